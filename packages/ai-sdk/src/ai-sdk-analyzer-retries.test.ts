import { createServer } from 'node:net';
import { AuthenticationError, ModelUnavailableError } from '@trd/core';
import { createAnalysisInput } from '@trd/core/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAiSdkAnalyzer } from './ai-sdk-analyzer';
import type { AiSdkAnalyzerOptions } from './ai-sdk-analyzer-options';
import { AiSdkUnavailableError } from './ai-sdk-error';
import { answerReply, buyAnswer, fakeModel, startFake, TEST_API_KEY } from './test-support';
import type { FakeOpenAiServer } from './testing/fake-openai-server';
import {
  openAiInsufficientQuotaBody,
  openAiModelNotFoundBody,
  openAiOverloadedBody,
  openAiServerErrorBody,
} from './testing/openai-responses';

let fake: FakeOpenAiServer;
const input = createAnalysisInput();
const price = input.market.price;

beforeAll(async () => {
  fake = await startFake();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
  fake.refused.length = 0;
  fake.abandoned = 0;
  fake.unauthorized = 0;
});

/** Fast retries on the real clock: 1 ms backoff, no jitter. */
function analyzer(options: Partial<AiSdkAnalyzerOptions> = {}) {
  return createAiSdkAnalyzer({ model: fakeModel(fake), retryBaseDelayMs: 1, random: () => 0, ...options });
}

const serverError = { status: 500, body: openAiServerErrorBody() };
const overloaded = { status: 503, body: openAiOverloadedBody() };

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('retryable errors are retried per the policy', () => {
  it('retries 5xx and answers', async () => {
    fake.reply(serverError, overloaded, answerReply(buyAnswer(price)));
    const signal = await analyzer().analyze(input);
    expect(signal.action).toBe('buy');
    expect(fake.requests).toHaveLength(3);
  });

  it('gives up after maxRetries with a retryable ModelUnavailableError', async () => {
    fake.reply(serverError, serverError, serverError);
    const error = await rejection(analyzer({ maxRetries: 2 }).analyze(input));
    expect(error).toBeInstanceOf(AiSdkUnavailableError);
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect(error.message).toMatch(/^fakeai\.chat unavailable after 3 attempts: HTTP 500 server_error/);
    expect((error as AiSdkUnavailableError).attempts).toBe(3);
    expect((error as AiSdkUnavailableError).isRetryable).toBe(true);
    expect(fake.requests).toHaveLength(3);
  });

  it('times out a hanging attempt, retries, then gives up', async () => {
    fake.reply({ hang: true }, { hang: true });
    const error = await rejection(analyzer({ timeoutMs: 100, maxRetries: 1 }).analyze(input));
    expect(error.message).toMatch(/unavailable after 2 attempts: no answer within 100 ms/);
    expect(fake.requests).toHaveLength(2);
  });

  it('retries a network failure (nothing listening)', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { createOpenAICompatible } = await import('@ai-sdk/openai-compatible');
    const nowhere = createOpenAICompatible({
      name: 'nowhere',
      baseURL: `http://127.0.0.1:${port}/v1`,
      apiKey: 'k',
    });
    const error = await rejection(
      createAiSdkAnalyzer({ model: nowhere.chatModel('m'), retryBaseDelayMs: 1, maxRetries: 1 }).analyze(
        input,
      ),
    );
    expect(error.message).toMatch(/unavailable after 2 attempts: request failed before an HTTP answer/);
  });
});

describe('errors that retrying cannot fix fail at once', () => {
  it('a rejected key (401 invalid_api_key) is a clear AuthenticationError, not retried, without the key', async () => {
    const model = createAiSdkAnalyzer({ model: fakeModel(fake, 'gpt-4o-mini', `${TEST_API_KEY}-wrong`) });
    const error = await rejection(model.analyze(input));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).not.toBeInstanceOf(ModelUnavailableError);
    expect((error as AuthenticationError).isRetryable).toBe(false);
    expect(error.message).toMatch(
      /^fakeai\.chat rejected the API key: HTTP 401 invalid_api_key: Incorrect API key provided/,
    );
    expect(error.message).not.toContain(TEST_API_KEY);
    // maxRetries is 3, yet one request: a wrong key stays wrong.
    expect(fake.unauthorized).toBe(1);
    expect(fake.refused).toEqual([
      { status: 401, body: { error: expect.objectContaining({ code: 'invalid_api_key' }) } },
    ]);
  });

  it('no key at all (an Ollama-style provider pointed at a server that wants one) is a 401 AuthenticationError', async () => {
    const { createOpenAICompatible } = await import('@ai-sdk/openai-compatible');
    const keyless = createOpenAICompatible({
      name: 'fakeai',
      baseURL: fake.baseUrl,
      supportsStructuredOutputs: true,
    });
    const error = await rejection(
      createAiSdkAnalyzer({ model: keyless.chatModel('gpt-4o-mini') }).analyze(input),
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toMatch(/HTTP 401 invalid_request_error: You didn't provide an API key/);
    expect(fake.unauthorized).toBe(1);
  });

  it('a request the API refuses (400 invalid_request_error) fails at once, naming the parameter', async () => {
    // An unknown body parameter slipped in through providerOptions: the API refuses it, so does the fake.
    const error = (await rejection(
      analyzer({ providerOptions: { fakeai: { temperature_boost: 2 } } }).analyze(input),
    )) as AiSdkUnavailableError;
    expect(error).toBeInstanceOf(AiSdkUnavailableError);
    expect(error.message).toMatch(
      /refused the request: HTTP 400 invalid_request_error: Unrecognized request argument supplied: temperature_boost/,
    );
    expect(error.isRetryable).toBe(false);
    expect(error.httpStatus).toBe(400);
    expect(error.attempts).toBe(1);
    expect(fake.refused).toHaveLength(1);
    expect(fake.requests).toHaveLength(0);
  });

  it('secrets given to the analyzer never appear in its errors', async () => {
    fake.reply({
      status: 400,
      body: {
        error: { message: `bad key ${TEST_API_KEY}`, type: 'invalid_request_error', param: null, code: null },
      },
    });
    const error = await rejection(analyzer({ secrets: [TEST_API_KEY] }).analyze(input));
    expect(error.message).toMatch(
      /refused the request: HTTP 400 invalid_request_error: bad key \[redacted\]/,
    );
  });

  it('an unknown model (404) is a non-retryable ModelUnavailableError', async () => {
    fake.reply({ status: 404, body: openAiModelNotFoundBody('gpt-9') });
    const error = (await rejection(analyzer().analyze(input))) as AiSdkUnavailableError;
    expect(error.message).toMatch(/refused the request: HTTP 404 model_not_found/);
    expect(error.isRetryable).toBe(false);
    expect(error.providerCode).toBe('model_not_found');
    expect(fake.requests).toHaveLength(1);
  });

  it('a 429 insufficient_quota (out of credit) is not retried', async () => {
    fake.reply({ status: 429, body: openAiInsufficientQuotaBody(), headers: { 'retry-after': '1' } });
    const error = (await rejection(analyzer().analyze(input))) as AiSdkUnavailableError;
    expect(error.message).toMatch(/refused the request: HTTP 429 insufficient_quota/);
    expect(error.isRetryable).toBe(false);
    expect(fake.requests).toHaveLength(1);
  });

  it('the caller’s abort cancels the request in flight', async () => {
    fake.reply({ hang: true });
    const controller = new AbortController();
    const pending = analyzer().analyze(input, { signal: controller.signal });
    while (fake.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    controller.abort(new Error('engine timeout'));
    await expect(pending).rejects.toThrow('engine timeout');
    while (fake.abandoned === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    expect(fake.requests).toHaveLength(1);
  });
});
