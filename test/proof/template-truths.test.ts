/**
 * Issue 14, part 6: what the templates tell their reader holds. The panic
 * line they suggest uncommenting builds without a warning (it made the rest
 * of `main` unreachable), and no generated file names this tool's template
 * files (`main.hello.rs`), which the reader never sees.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { catalogue } from '../../generators/core/catalogue.js';
import { repoRoot, runCli, scratch } from '../support/cli.js';
import { missingTools, requireTools, toolchainNeeds, xcargo } from '../support/tools.js';
import { filesUnder } from '../support/files.js';

const work = scratch('cf-truths-');
afterAll(() => work.cleanup());
const targetDir = join(repoRoot, 'node_modules', '.cache', 'cf-firmware-target');

async function generate(name: string, args: string[]): Promise<string> {
  const dir = join(work.dir, name);
  const result = await runCli([dir, '-y', ...args]);
  expect(result.exitCode, result.stderr).toBe(0);
  return dir;
}

/** Uncomments the one suggested panic line, as the README says to. */
function uncommentPanic(dir: string): void {
  const main = join(dir, 'src', 'main.rs');
  const source = readFileSync(main, 'utf8');
  const marker = '// panic!("Something went wrong");';
  expect(source.split(marker)).toHaveLength(2);
  writeFileSync(main, source.replace(marker, 'panic!("Something went wrong");'));
}

describe('generated files name nothing of the generator', () => {
  it.for(catalogue.map((target) => target.id))('%s minimal and hello', async (id) => {
    for (const template of ['minimal', 'hello']) {
      const dir = await generate(`names-${id}-${template}`.replace(/[^a-z0-9-]/g, '-'), ['-t', id, '--template', template]);
      for (const file of filesUnder(dir).map((path) => join(dir, path))) {
        expect(readFileSync(file, 'utf8'), relative(dir, file)).not.toMatch(/main\.(hello|minimal)\.rs|\.hbs\b/);
      }
    }
  });
});

describe('the suggested panic! line', () => {
  it('builds without a warning on Linux and panics with its message, exit 101', async ({ skip }) => {
    if (!requireTools(missingTools(toolchainNeeds.rustup), skip)) return;
    const dir = await generate('panic-linux', ['-t', 'linux']);
    uncommentPanic(dir);
    const env = { CARGO_TARGET_DIR: join(targetDir, 'rustup'), CARGO_TERM_COLOR: 'never' };
    const build = await execa('cargo', ['clippy', '--release', '--', '-D', 'warnings'], { cwd: dir, reject: false, env });
    expect(build.exitCode, build.stderr).toBe(0);
    expect(build.stderr).not.toMatch(/warning|unreachable/);
    const run = await execa('cargo', ['run', '--release', '--quiet'], { cwd: dir, reject: false, env });
    expect(run.stderr).toContain('Something went wrong');
    expect(run.exitCode).toBe(101);
  });

  it('builds without a warning for thumbv7em-none-eabihf and panics in QEMU, exit 101', async ({ skip }) => {
    if (!requireTools(missingTools([...toolchainNeeds.xcargo, { command: 'qemu-system-arm', args: ['--version'], install: 'scripts/setup-toolchain.sh' }]), skip)) return;
    const dir = await generate('panic-cortex-m', ['-t', 'thumbv7em-none-eabihf']);
    uncommentPanic(dir);
    const env = { CARGO_TARGET_DIR: join(targetDir, 'xcargo'), CARGO_TERM_COLOR: 'never' };
    const build = await execa(xcargo, ['build', '--release'], { cwd: dir, reject: false, env, timeout: 600_000 });
    expect(build.exitCode, String(build.stderr).slice(-3000)).toBe(0);
    expect(build.stderr).not.toMatch(/warning|unreachable/);
    const run = await execa(xcargo, ['run', '--release', '--quiet'], { cwd: dir, reject: false, env, timeout: 120_000 });
    expect(`${run.stdout}${run.stderr}`).toContain('Something went wrong');
    expect(run.exitCode).toBe(101);
  }, 700_000);
});
