// @trd/ai-sdk/testing: a local fake of an OpenAI-compatible server and OpenAI's response bodies.

export * from './fake-openai-server';
export * from './openai-responses';
