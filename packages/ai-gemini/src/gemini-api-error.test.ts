import { ApiError } from '@google/genai';
import { ModelUnavailableError, TrdError } from '@trd/core';
import { describe, expect, it } from 'vitest';
import { describeGeminiError, GeminiUnavailableError } from './gemini-api-error';
import {
  geminiInternalErrorBody,
  geminiInvalidApiKeyBody,
  geminiInvalidArgumentBody,
  geminiQuotaExceededBody,
} from './testing/gemini-responses';

const apiKey = 'AIzaSy-test-key-0123456789';

/** The error @google/genai throws for a non-OK response: the body as JSON in the message. */
function sdkError(status: number, body: unknown) {
  return new ApiError({ message: JSON.stringify(body), status });
}

describe('describeGeminiError', () => {
  it('reads the retry delay of a 429 from RetryInfo', () => {
    const failure = describeGeminiError(sdkError(429, geminiQuotaExceededBody('38.5s')), apiKey);
    expect(failure).toMatchObject({
      httpStatus: 429,
      rpcStatus: 'RESOURCE_EXHAUSTED',
      retryable: true,
      retryAfterMs: 38_500,
    });
    expect(failure.message).toMatch(/^HTTP 429 RESOURCE_EXHAUSTED: You exceeded your current quota/);
  });

  it('treats 5xx as retryable and 400 as not', () => {
    expect(describeGeminiError(sdkError(500, geminiInternalErrorBody()), apiKey)).toMatchObject({
      retryable: true,
      rpcStatus: 'INTERNAL',
      retryAfterMs: undefined,
    });
    expect(describeGeminiError(sdkError(400, geminiInvalidArgumentBody()), apiKey)).toMatchObject({
      retryable: false,
      authentication: false,
    });
  });

  it('recognises a rejected API key', () => {
    expect(describeGeminiError(sdkError(400, geminiInvalidApiKeyBody()), apiKey).authentication).toBe(true);
    expect(
      describeGeminiError(sdkError(403, { error: { code: 403, status: 'PERMISSION_DENIED' } }), apiKey)
        .authentication,
    ).toBe(true);
  });

  it('treats network failures as retryable', () => {
    const failure = describeGeminiError(new TypeError('fetch failed'), apiKey);
    expect(failure).toMatchObject({ httpStatus: undefined, retryable: true });
    expect(failure.message).toContain('fetch failed');
  });

  it('never repeats the API key, even when the service echoes it', () => {
    const echoed = sdkError(400, geminiInvalidArgumentBody(`bad key ${apiKey} in request`));
    expect(describeGeminiError(echoed, apiKey).message).not.toContain(apiKey);
    expect(describeGeminiError(new Error(`GET ?key=${apiKey}`), apiKey).message).not.toContain(apiKey);
  });

  it('keeps non-JSON bodies as text', () => {
    const failure = describeGeminiError(
      new ApiError({ message: '<html>Bad Gateway</html>', status: 502 }),
      apiKey,
    );
    expect(failure).toMatchObject({ httpStatus: 502, retryable: true });
    expect(failure.message).toContain('Bad Gateway');
  });
});

describe('GeminiUnavailableError', () => {
  it('is a core ModelUnavailableError carrying the failure', () => {
    const failure = describeGeminiError(sdkError(429, geminiQuotaExceededBody('2s')), apiKey);
    const error = new GeminiUnavailableError('gave up', failure, 4);
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect(TrdError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'MODEL_UNAVAILABLE',
      httpStatus: 429,
      attempts: 4,
      retryAfterMs: 2_000,
    });
  });
});
