/** Jest runs the TypeScript sources directly (transpile only; `npm run build` type-checks). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testTimeout: 60000,
  // Tests never run in the repository folder: its ./.logfun may be a running demo's (test/kit/global-temp-cwd.js).
  globalSetup: '<rootDir>/test/kit/global-temp-cwd.js',
  globalTeardown: '<rootDir>/test/kit/global-temp-cwd-teardown.js',
};
