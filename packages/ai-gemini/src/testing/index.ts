// @trd/ai-gemini/testing: a local fake of the Gemini REST API and its real response bodies.
export * from './fake-gemini-server';
export * from './gemini-responses';
