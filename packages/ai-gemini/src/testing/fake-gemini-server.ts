import type { IncomingMessage, ServerResponse } from 'node:http';
import { type FakeHttpReply, FakeHttpServer, readRequestBody } from '@trd/core/testing';
import { nextMidnightIn } from '../daily-quota-reset';
import {
  geminiAnswerBody,
  geminiDailyQuotaExceededBody,
  geminiInvalidApiKeyBody,
  geminiModelNotFoundBody,
  geminiQuotaExceededBody,
} from './gemini-responses';

/** The request body fields the analyzer sends (REST shape). */
export interface GeminiRequestBody {
  contents?: Array<{ role?: string; parts?: Array<{ text?: string }> }>;
  systemInstruction?: { role?: string; parts?: Array<{ text?: string }> };
  generationConfig?: {
    responseMimeType?: string;
    responseJsonSchema?: unknown;
    responseSchema?: unknown;
    thinkingConfig?: { thinkingBudget?: number; includeThoughts?: boolean };
    temperature?: number;
    maxOutputTokens?: number;
    candidateCount?: number;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** One `generateContent` request as the fake received it. */
export interface RecordedGeminiRequest {
  /** API version from the path, e.g. `v1beta`. */
  version: string;
  model: string;
  headers: IncomingMessage['headers'];
  /** The parsed JSON body. */
  body: GeminiRequestBody;
  /** `now()` when it arrived (the fake's clock: pass the analyzer's VirtualClock to compare). */
  receivedAt: number;
}

/** What the fake does with one request: an answer (held until `release`, if given) or a hang. */
export type FakeGeminiReply = FakeHttpReply;

export type FakeGeminiHandler = (request: RecordedGeminiRequest) => FakeGeminiReply | undefined;

export interface FakeGeminiServerOptions {
  /** The key the fake accepts in `x-goog-api-key`; other keys get the real 400 API_KEY_INVALID. */
  apiKey: string;
  /** Models it serves; default any. */
  models?: string[];
  /** Source of `receivedAt` and of the quota windows; default `Date.now`. */
  now?: () => number;
  /**
   * Quotas the fake enforces per model, as the API does
   * (https://ai.google.dev/gemini-api/docs/rate-limits): past `requestsPerMinute` in a calendar
   * minute, a per-minute 429 with RetryInfo up to the next minute; past `requestsPerDay`, a
   * per-day 429 until midnight Pacific time. Refused requests do not count. Default none.
   */
  quota?: { requestsPerMinute?: number; requestsPerDay?: number; freeTier?: boolean };
}

/**
 * A local fake of the Gemini REST API on 127.0.0.1 (random port): `POST
 * /{version}/models/{model}:generateContent`, checking the API key header and answering with real
 * response and error bodies. Replies are queued with `reply(...)` (first in, first out) or decided
 * by `handle(fn)`; with neither, it answers a valid hold.
 */
export class FakeGeminiServer extends FakeHttpServer<RecordedGeminiRequest> {
  readonly requests: RecordedGeminiRequest[] = [];
  /** Requests refused for a missing or wrong API key. */
  unauthorized = 0;
  /** Requests refused with a 429 by the `quota` option, per scope. */
  readonly quotaRefusals = { minute: 0, day: 0 };
  private readonly quotaUse = new Map<
    string,
    { minute: number; inMinute: number; dayEnd: number; inDay: number }
  >();
  private readonly now: () => number;

  constructor(private readonly options: FakeGeminiServerOptions) {
    super();
    this.now = options.now ?? Date.now;
  }

  /** Starts listening; resolves to the base URL to give the analyzer. */
  async start(): Promise<string> {
    await this.listen();
    return this.baseUrl;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  protected serverError(response: ServerResponse, error: unknown): void {
    send(response, 500, { error: { code: 500, message: String(error), status: 'INTERNAL' } });
  }

  protected async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const match = /^\/(v[\w]+)\/models\/([\w.-]+):generateContent$/.exec(request.url ?? '');
    const text = await readRequestBody(request);
    if (request.method !== 'POST' || !match) {
      send(response, 404, {
        error: { code: 404, message: `no route ${request.method} ${request.url}`, status: 'NOT_FOUND' },
      });
      return;
    }
    const [, version, model] = match as unknown as [string, string, string];
    if (request.headers['x-goog-api-key'] !== this.options.apiKey) {
      this.unauthorized++;
      send(response, 400, geminiInvalidApiKeyBody());
      return;
    }
    if (this.options.models && !this.options.models.includes(model)) {
      send(response, 404, geminiModelNotFoundBody(model, version));
      return;
    }
    let body: GeminiRequestBody;
    try {
      body = JSON.parse(text);
    } catch {
      send(response, 400, {
        error: { code: 400, message: 'Invalid JSON payload received.', status: 'INVALID_ARGUMENT' },
      });
      return;
    }
    const recorded: RecordedGeminiRequest = {
      version,
      model,
      headers: request.headers,
      body,
      receivedAt: this.now(),
    };
    this.requests.push(recorded);
    const reply =
      this.quotaReply(model, recorded.receivedAt) ??
      this.nextReply(recorded, () => ({
        status: 200,
        body: geminiAnswerBody({ signal: 'hold', confidence: 0, reasoning: 'fake: no reply queued' }),
      }));
    await this.deliver(response, reply, (status, body) => send(response, status, body));
  }

  /** A 429 when the request is over a configured quota; otherwise counts it and returns undefined. */
  private quotaReply(model: string, now: number): FakeGeminiReply | undefined {
    const quota = this.options.quota;
    if (!quota) return undefined;
    const minute = Math.floor(now / 60_000);
    let use = this.quotaUse.get(model);
    if (!use) {
      use = { minute, inMinute: 0, dayEnd: nextMidnightIn(now), inDay: 0 };
      this.quotaUse.set(model, use);
    }
    if (use.minute !== minute) Object.assign(use, { minute, inMinute: 0 });
    if (now >= use.dayEnd) Object.assign(use, { dayEnd: nextMidnightIn(now), inDay: 0 });
    const freeTier = quota.freeTier ?? true;
    if (quota.requestsPerDay !== undefined && use.inDay >= quota.requestsPerDay) {
      this.quotaRefusals.day++;
      return {
        status: 429,
        body: geminiDailyQuotaExceededBody({ model, limit: quota.requestsPerDay, freeTier }),
      };
    }
    if (quota.requestsPerMinute !== undefined && use.inMinute >= quota.requestsPerMinute) {
      this.quotaRefusals.minute++;
      const seconds = Math.max(1, Math.ceil(((minute + 1) * 60_000 - now) / 1000));
      return {
        status: 429,
        body: geminiQuotaExceededBody({
          model,
          limit: quota.requestsPerMinute,
          freeTier,
          retryDelay: `${seconds}s`,
        }),
      };
    }
    use.inMinute++;
    use.inDay++;
    return undefined;
  }
}

/** Starts a fake Gemini server; close it after the test. */
export async function startFakeGeminiServer(options: FakeGeminiServerOptions): Promise<FakeGeminiServer> {
  const server = new FakeGeminiServer(options);
  await server.start();
  return server;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(text),
    server: 'scaffolding on HTTPServer2',
    'x-content-type-options': 'nosniff',
  });
  response.end(text);
}
