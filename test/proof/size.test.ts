/**
 * What the Linux hello costs: built in release by the stable toolchain as a
 * user builds it, stripped, at most 1,024 bytes, and no load segment both
 * writable and executable (the kernel maps each segment with its flags).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, expect, it } from 'vitest';
import { runCli, scratch } from '../support/cli.js';
import { programHeaders, showSizes, sizesOf } from '../support/elf.js';
import { missingTools, requireTools, toolchainNeeds } from '../support/tools.js';

const projects = scratch('cf-size-');
afterAll(() => projects.cleanup());

it('the linux hello, stripped, is at most 1,024 bytes, prints, and maps no segment writable and executable', async ({ skip }) => {
  if (!requireTools(missingTools([...toolchainNeeds.rustup, { command: 'strip', args: ['--version'], install: 'apt-get install binutils' }]), skip)) return;
  const dir = join(projects.dir, 'tiny');
  const made = await runCli([dir, '-t', 'linux', '-y']);
  expect(made.exitCode, made.stderr).toBe(0);
  const build = await execa('cargo', ['build', '--release', '--target', 'x86_64-unknown-linux-gnu'], { cwd: dir, reject: false, env: { CARGO_TERM_COLOR: 'never' } });
  expect(build.exitCode, String(build.stderr).slice(-3000)).toBe(0);
  const binary = join(dir, 'target', 'x86_64-unknown-linux-gnu', 'release', 'tiny');
  const stripped = join(dir, 'tiny.stripped');
  // As `npm run bench` measures it: binutils' strip, which keeps `.comment` (the linker's and rustc's names).
  const strip = await execa('strip', ['--strip-all', '-o', stripped, binary], { reject: false });
  expect(strip.exitCode, strip.stderr).toBe(0);
  const bytes = statSync(stripped).size;
  console.log(`linux hello: ${statSync(binary).size} B as built, ${bytes} B stripped; ${showSizes(await sizesOf(binary))}`);
  expect(bytes).toBeLessThanOrEqual(1024);
  const run = await execa(stripped, [], { reject: false, stripFinalNewline: false });
  expect(run.stdout).toBe('Hello, world!\n');
  expect(run.exitCode).toBe(0);
  const segments = await programHeaders(stripped);
  expect(segments.some((segment) => segment.type === 'PT_LOAD')).toBe(true);
  for (const segment of segments) {
    expect(segment.writable && segment.executable, `${segment.type} at 0x${segment.vaddr.toString(16)} is writable and executable`).toBe(false);
  }
  // The stack too: PT_GNU_STACK present and not executable.
  const stack = segments.find((segment) => segment.type === 'PT_GNU_STACK');
  expect(stack?.executable).toBe(false);
});
