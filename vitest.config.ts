import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // CDK synth and the fake servers are CPU-bound; two workers match the 2-core CI machine.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: { CDK_VALIDATION: 'false' },
    reporters: ['default', './test/support/plain-summary-reporter.ts'],
    coverage: {
      provider: 'v8',
      include: ['lib/**/*.ts', 'lambdas/**/*.ts', 'sandbox/**/*.ts', 'cli/**/*.ts', 'bin/**/*.ts'],
      reporter: ['text-summary', 'html'],
      reportsDirectory: 'coverage',
    },
  },
});
