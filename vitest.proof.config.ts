import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The proof tier (`npm run test:proof`): every variant built with real
 * compilers and linkers, run natively, under Wine, qemu-user or on QEMU
 * boards; the course verified; the packed package installed; signal and race
 * trials under strace. The build matrix shares one cargo target directory
 * per toolchain, so its files run one at a time; cargo keeps both cores busy.
 */
export default defineConfig({
  test: {
    // The CLIs the tests spawn keep V8's code cache in the checkout, not in this user's ~/.cache.
    env: { XDG_CACHE_HOME: fileURLToPath(new URL('.tmp/xdg-cache', import.meta.url)) },
    include: ['test/proof/**/*.test.ts'],
    // dist/ built and packed once for the run (test/support/packed.global.ts).
    globalSetup: ['test/support/packed.global.ts'],
    fileParallelism: false,
    // A cold build of `core` for a triple takes minutes on a loaded 2-core machine.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    reporters: ['default'],
  },
});
