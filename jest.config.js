// Tests run as native ES modules (the project is ESM end to end); swc strips the types.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }],
  },
  testMatch: ['<rootDir>/services/**/*.test.ts', '<rootDir>/libs/**/*.test.ts', '<rootDir>/events/**/*.test.ts', '<rootDir>/test/**/*.test.ts', '<rootDir>/infra/**/*.test.ts'],
  testTimeout: 60000,
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/summary-reporter.cjs'],
};
