import { ApiError } from '@google/genai';
import { ModelUnavailableError, TrdError } from '@trd/core';
import { describe, expect, it } from 'vitest';
import { describeGeminiError, GeminiUnavailableError } from './gemini-api-error';
import {
  geminiDailyQuotaExceededBody,
  geminiInternalErrorBody,
  geminiInvalidApiKeyBody,
  geminiInvalidArgumentBody,
  geminiQuotaExceededBody,
  geminiResourceExhaustedBody,
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

  it('tells a per-minute quota from a per-day one by the QuotaFailure quota id', () => {
    const minute = describeGeminiError(sdkError(429, geminiQuotaExceededBody('38s')), apiKey);
    expect(minute).toMatchObject({
      dailyQuota: false,
      quotaIds: ['GenerateRequestsPerMinutePerProjectPerModel-FreeTier'],
    });
    // A daily quota's 429 may still carry a short RetryInfo; it is daily all the same.
    const day = describeGeminiError(
      sdkError(429, geminiDailyQuotaExceededBody({ retryDelay: '22s' })),
      apiKey,
    );
    expect(day).toMatchObject({
      httpStatus: 429,
      retryable: true,
      retryAfterMs: 22_000,
      dailyQuota: true,
      quotaIds: ['GenerateRequestsPerDayPerProjectPerModel-FreeTier'],
    });
  });

  it('recognises a paid tier’s per-day quota by its metric as well as its id', () => {
    const paid = describeGeminiError(
      sdkError(429, geminiDailyQuotaExceededBody({ freeTier: false })),
      apiKey,
    );
    expect(paid).toMatchObject({ dailyQuota: true, quotaIds: ['GenerateRequestsPerDayPerProjectPerModel'] });
    const metricOnly = {
      error: {
        code: 429,
        status: 'RESOURCE_EXHAUSTED',
        message: 'Quota exceeded',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
            violations: [
              { quotaMetric: 'generativelanguage.googleapis.com/generate_requests_per_model_per_day' },
            ],
          },
        ],
      },
    };
    expect(describeGeminiError(sdkError(429, metricOnly), apiKey).dailyQuota).toBe(true);
  });

  it('reads a bare 429 as a quota with no delay and no scope', () => {
    expect(describeGeminiError(sdkError(429, geminiResourceExhaustedBody()), apiKey)).toMatchObject({
      httpStatus: 429,
      rpcStatus: 'RESOURCE_EXHAUSTED',
      retryable: true,
      retryAfterMs: undefined,
      dailyQuota: false,
      quotaIds: [],
    });
  });

  it('never calls anything but a 429 a daily quota', () => {
    const body = geminiDailyQuotaExceededBody();
    expect(describeGeminiError(sdkError(403, body), apiKey).dailyQuota).toBe(false);
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
