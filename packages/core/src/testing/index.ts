// @trd/core/testing: conformance suites every adapter runs, recording mocks and fixtures.
export {};
export * from './fixtures';
export * from './exchange-conformance';
export * from './store-conformance';
export * from './analyzer-conformance';
export * from './recording';
export * from './recording-analyzer';
