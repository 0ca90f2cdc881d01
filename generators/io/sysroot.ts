/** What a Rust toolchain's sysroot holds, read from the disk. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Is `core` for `triple` installed in `sysroot` (rustup's `rustup target add`, or Debian's libstd-rust-dev-*)? */
export function hasCore(sysroot: string, triple: string): boolean {
  const lib = join(sysroot, 'lib', 'rustlib', triple, 'lib');
  return existsSync(lib) && readdirSync(lib).some((file) => file.startsWith('libcore-') && file.endsWith('.rlib'));
}
