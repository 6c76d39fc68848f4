// @trd/core/testing: conformance suites every adapter runs, recording mocks and fixtures.

export * from './analyzer-conformance';
export * from './exchange-conformance';
export * from './fake-http-server';
export * from './fixtures';
export * from './recording';
export * from './recording-analyzer';
export * from './store-conformance';
export * from './virtual-time';
