import { defineConfig } from 'vitest/config';

/**
 * The fast tier (`npm test`): unit tests and the built CLI spawned, with no
 * cargo build, no package install and no timing trials, so its files run in
 * parallel. Everything that builds, runs or installs is in test/proof/
 * (`npm run test:proof`, vitest.proof.config.ts).
 */
export default defineConfig({
  test: {
    include: ['test/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
