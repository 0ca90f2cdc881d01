/**
 * Once per proof run: dist/ is built from the sources and packed, and every
 * file that installs the package gets that one tarball (`inject('tarball')`).
 * Packing with prepack's build in each file would rebuild and empty dist/ under
 * the tests that spawn it, and cost a build each time; the tarball is still
 * exactly what `npm publish` would send, as dist/ was built just before.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The packed package's .tgz, built from this checkout at the start of the run. */
    tarball: string;
  }
}

const repoRoot = join(import.meta.dirname, '..', '..');

export default function setup(project: TestProject): () => void {
  execFileSync(process.execPath, [join(repoRoot, 'scripts', 'build.js')], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  const folder = mkdtempSync(join(tmpdir(), 'cf-packed-'));
  const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', folder], { cwd: repoRoot, encoding: 'utf8' });
  const [{ filename }] = JSON.parse(packed.slice(packed.indexOf('['))) as { filename: string }[];
  project.provide('tarball', join(folder, filename));
  return () => rmSync(folder, { recursive: true, force: true });
}
