import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The fast tier (`npm test`): unit tests and the built CLI spawned, with no
 * cargo build, no package install and no timing trials, so its files run in
 * parallel. Everything that builds, runs or installs is in test/proof/
 * (`npm run test:proof`, vitest.proof.config.ts).
 */
export default defineConfig({
  test: {
    // The CLIs the tests spawn keep V8's code cache in the checkout, not in this user's ~/.cache.
    env: { XDG_CACHE_HOME: fileURLToPath(new URL('.tmp/xdg-cache', import.meta.url)) },
    include: ['test/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
