/**
 * The `ci` answer, declared once (core/ci.ts): the CLI's `--ci`, the prompt
 * (default none), plop's list and the library's option all take the same
 * choices and write the same `.github/workflows/ci.yml`; without it there is
 * no workflow. (test/proof/ci-workflow.test.ts lints every workflow and runs
 * its steps.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import nodePlop from 'node-plop';
import { afterAll, describe, expect, it } from 'vitest';
import { AnswerError, ciProviders, generate, questions } from '../generators/index.js';
import { repoRoot, runCli, scratch } from './support/cli.js';

const tmp = scratch('cf-ci-option-');
afterAll(tmp.cleanup);
const workflow = '.github/workflows/ci.yml';

describe('the ci answer', () => {
  it('is one question with the declared choices, defaulting to none', () => {
    const question = questions.find((entry) => entry.key === 'ci')!;
    expect(question.choices!.map((choice) => choice.value)).toEqual([...ciProviders]);
    expect(question.defaultValue({})).toBe('none');
  });

  it('adds the workflow through the library only when asked, and refuses an unknown provider with the field named', () => {
    expect(generate({ target: 'linux' }).map((file) => file.path)).not.toContain(workflow);
    const files = generate({ target: 'thumbv7em-none-eabihf', ci: 'github' });
    const ci = files.find((file) => file.path === workflow);
    expect(ci?.contents).toContain('rustup target add thumbv7em-none-eabihf');
    expect(() => generate({ ci: 'gitlab' as never })).toThrow(expect.objectContaining({ field: 'ci', suggestion: 'none' }));
    expect(() => generate({ ci: 'gitlab' as never })).toThrow(AnswerError);
  });

  it('writes the same workflow from the CLI as the library gives', async () => {
    const directory = join(tmp.dir, 'cli');
    const result = await runCli([directory, '-t', 'riscv32imac-unknown-none-elf', '--ci', 'github', '-y']);
    expect(result.exitCode, result.stderr).toBe(0);
    const expected = generate({ directory, target: 'riscv32imac-unknown-none-elf', ci: 'github' }).find((file) => file.path === workflow)!;
    expect(readFileSync(join(directory, workflow), 'utf8')).toBe(expected.contents);
    const without = join(tmp.dir, 'cli-none');
    expect((await runCli([without, '-t', 'linux', '-y'])).exitCode).toBe(0);
    expect(existsSync(join(without, '.github'))).toBe(false);
  });

  it('refuses a mistyped --ci in one line with the near value', async () => {
    const result = await runCli([join(tmp.dir, 'bad'), '--ci', 'githb', '-y']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toMatch(/--ci must be one of none, github \(got "githb"\); did you mean github\?$/);
  });

  it('is a plop prompt whose answer writes the workflow', async () => {
    const plop = await nodePlop(join(repoRoot, 'dist', 'plopfile.js'), { destBasePath: tmp.dir, force: false });
    const prompt = (plop.getGenerator('freestanding').prompts as { name: string; default: (answers: object) => string }[]).find((entry) => entry.name === 'ci')!;
    expect(prompt.default({})).toBe('none');
    const result = await plop.getGenerator('freestanding').runActions({ directory: 'plop-ci', name: 'plop-ci', target: 'linux', template: 'hello', edition: '2024', ci: 'github' });
    expect(result.failures).toEqual([]);
    expect(readFileSync(join(tmp.dir, 'plop-ci', workflow), 'utf8')).toContain('cargo run --release');
  });
});
