/** @type {import('jest').Config} */
module.exports = {
  // Console output only with failing tests (TEST_CONSOLE=all for everything).
  testEnvironment: '<rootDir>/test/helpers/quiet-environment.js',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  // A scratch directory per run: each configuration of the reference deployment is synthesized once and shared
  // by the test files (test/helpers/synth.ts); CDK's CloudFormation validation only where the gate is registered.
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
  testTimeout: 180000,
  // Synthesizing the app is CPU-bound; one worker per core.
  maxWorkers: 2,
};
