import type { IncomingMessage, ServerResponse } from 'node:http';
import { type FakeHttpReply, FakeHttpServer, readRequestBody } from '@trd/core/testing';
import { type ChatCompletionRequestBody, checkChatRequest } from './chat-request-checks';
import {
  openAiChatCompletion,
  openAiErrorBody,
  openAiInvalidApiKeyBody,
  openAiMissingApiKeyBody,
  openAiModelNotFoundBody,
  openAiRateLimitBody,
  openAiRateLimitHeaders,
} from './openai-responses';

export type { ChatCompletionRequestBody } from './chat-request-checks';

/** The models the fake serves unless told others: what the tests and examples ask for. */
export const FAKE_OPENAI_MODELS: readonly string[] = ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini'];

/** One `POST /v1/chat/completions` as the fake received it. */
export interface RecordedChatRequest {
  model: string;
  headers: IncomingMessage['headers'];
  body: ChatCompletionRequestBody;
  /** The system message's text. */
  system: string;
  /** The user message's text (core's prompt). */
  user: string;
  /** `now()` when it arrived. */
  receivedAt: number;
}

/** What the fake does with one request: an answer (held until `release`, if given) or a hang. */
export type FakeOpenAiReply = FakeHttpReply;

export type FakeOpenAiHandler = (request: RecordedChatRequest) => FakeOpenAiReply | undefined;

export interface FakeOpenAiServerOptions {
  /** The key the fake accepts as `Authorization: Bearer <key>`; others get OpenAI's 401 `invalid_api_key`. */
  apiKey: string;
  /**
   * Models it serves (a list, or a test for a name); others get OpenAI's 404 `model_not_found`.
   * Default `FAKE_OPENAI_MODELS`.
   */
  models?: readonly string[] | ((model: string) => boolean);
  /** Source of `receivedAt`; default `Date.now`. */
  now?: () => number;
  /**
   * The project's request limit, as the API enforces it (https://platform.openai.com/docs/guides/rate-limits:
   * "RPM - requests per minute"): past `requestsPerMinute` requests in the last 60 s, a 429
   * `rate_limit_exceeded` with `retry-after` / `retry-after-ms` until the oldest leaves the window
   * and the `x-ratelimit-*` headers. Refused requests do not count. Default none.
   */
  rateLimit?: { requestsPerMinute: number };
}

/**
 * A local fake of an OpenAI-compatible server on 127.0.0.1 (random port): `POST
 * /v1/chat/completions` (non-streamed), answering with OpenAI's chat completion and error bodies
 * (see `openai-responses.ts` for the documents each shape comes from). It is at least as strict
 * as the real API before any reply is chosen: the bearer key (401 `invalid_api_key`, or 401 for
 * none), a JSON body, only documented parameters, `model` and a non-empty `messages`, a valid
 * `response_format` and, with `strict: true`, a schema in Structured Outputs' subset (400
 * `invalid_request_error` naming the `param`, see `chat-request-checks.ts`), a model it serves
 * (404 `model_not_found`). A refused request never takes a queued reply. Replies are queued with
 * `reply(...)` (first in, first out) or decided by `handle(fn)`; with neither, it answers a valid
 * hold. Point a provider at `baseUrl` (which ends in `/v1`).
 */
export class FakeOpenAiServer extends FakeHttpServer<RecordedChatRequest> {
  readonly requests: RecordedChatRequest[] = [];
  /** Requests refused for a missing or wrong key. */
  unauthorized = 0;
  /** Requests refused before the model ran (a bad body, an unknown model), with OpenAI's error. */
  readonly refused: Array<{ status: number; body: unknown }> = [];
  /** Requests refused with a 429 by the `rateLimit` option. */
  rateLimited = 0;
  /** When the requests counted by `rateLimit` came, oldest first (`now()` ms). */
  private readonly window: number[] = [];
  private readonly now: () => number;

  constructor(private readonly options: FakeOpenAiServerOptions) {
    super();
    this.now = options.now ?? Date.now;
  }

  /** Starts listening; resolves to the base URL to give the provider (`http://127.0.0.1:<port>/v1`). */
  async start(): Promise<string> {
    await this.listen();
    return this.baseUrl;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  protected serverError(response: ServerResponse, error: unknown): void {
    send(response, 500, openAiErrorBody(String(error), 'server_error', null));
  }

  /** The 429 for a request past `rateLimit`, or undefined (the request then counts). */
  private overRateLimit(model: string): { body: unknown; headers: Record<string, string> } | undefined {
    const limit = this.options.rateLimit?.requestsPerMinute;
    if (limit === undefined) return undefined;
    const now = this.now();
    while (this.window.length > 0 && this.window[0]! <= now - 60_000) this.window.shift();
    if (this.window.length >= limit) {
      const waitMs = Math.max(1, this.window[0]! + 60_000 - now);
      return {
        body: openAiRateLimitBody(model, limit),
        headers: openAiRateLimitHeaders(
          { retryAfterSeconds: Math.ceil(waitMs / 1_000), retryAfterMs: waitMs },
          { requests: limit },
        ),
      };
    }
    this.window.push(now);
    return undefined;
  }

  private refuse(response: ServerResponse, status: number, body: unknown): void {
    this.refused.push({ status, body });
    send(response, status, body);
  }

  protected async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const text = await readRequestBody(request);
    const path = (request.url ?? '').split('?')[0];
    if (request.method !== 'POST' || path !== '/v1/chat/completions') {
      send(
        response,
        404,
        openAiErrorBody(`Invalid URL (${request.method} ${request.url})`, 'invalid_request_error', null),
      );
      return;
    }
    // "The OpenAI API uses API keys for authentication ... provided via HTTP Bearer authentication"
    // (https://platform.openai.com/docs/api-reference/authentication).
    const authorization = request.headers.authorization;
    if (authorization === undefined || !/^Bearer ./.test(authorization)) {
      this.unauthorized++;
      this.refuse(response, 401, openAiMissingApiKeyBody());
      return;
    }
    if (authorization !== `Bearer ${this.options.apiKey}`) {
      this.unauthorized++;
      this.refuse(response, 401, openAiInvalidApiKeyBody(authorization.replace(/^Bearer /, '')));
      return;
    }
    let body: ChatCompletionRequestBody;
    try {
      body = JSON.parse(text);
    } catch {
      this.refuse(
        response,
        400,
        openAiErrorBody(
          "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
          'invalid_request_error',
          null,
        ),
      );
      return;
    }
    const invalid = checkChatRequest(body);
    if (invalid) {
      this.refuse(response, invalid.status, invalid.body);
      return;
    }
    const model = String(body.model);
    const models = this.options.models ?? FAKE_OPENAI_MODELS;
    if (!(typeof models === 'function' ? models(model) : models.includes(model))) {
      this.refuse(response, 404, openAiModelNotFoundBody(model));
      return;
    }
    const limited = this.overRateLimit(model);
    if (limited) {
      this.rateLimited++;
      send(response, 429, limited.body, limited.headers);
      return;
    }
    const recorded: RecordedChatRequest = {
      model,
      headers: request.headers,
      body,
      system: messageText(body, 'system'),
      user: messageText(body, 'user'),
      receivedAt: this.now(),
    };
    this.requests.push(recorded);
    const reply = this.nextReply(recorded, () => ({
      status: 200,
      body: openAiChatCompletion({
        signal: 'hold',
        confidence: 0,
        entry_price: null,
        stop_loss: null,
        take_profit: null,
        reasoning: 'fake: no reply queued',
      }),
    }));
    await this.deliver(response, reply, (status, body, headers) => send(response, status, body, headers));
  }
}

/** Starts a fake OpenAI-compatible server; close it after the test. */
export async function startFakeOpenAiServer(options: FakeOpenAiServerOptions): Promise<FakeOpenAiServer> {
  const server = new FakeOpenAiServer(options);
  await server.start();
  return server;
}

function messageText(body: ChatCompletionRequestBody, role: string): string {
  const message = body.messages?.find((candidate) => candidate.role === role);
  if (!message) return '';
  if (typeof message.content === 'string') return message.content;
  return message.content.map((part) => part.text ?? '').join('');
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'openai-processing-ms': '1',
    'x-request-id': `req_trd_fake_${status}`,
    ...headers,
  });
  response.end(text);
}
