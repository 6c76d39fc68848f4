import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a local fake does with one request. */
export type FakeHttpReply =
  | { status: number; body: unknown; headers?: Record<string, string> }
  /** Answers when `release` resolves (to hold requests in flight). */
  | { status: number; body: unknown; headers?: Record<string, string>; release: Promise<void> }
  /** Never answers; the connection stays open until the client gives up or the fake closes. */
  | { hang: true };

/**
 * The plumbing every local fake of a model API shares, so each fake keeps only its wire format:
 * a real HTTP server on 127.0.0.1 (random port), replies queued with `reply(...)` (first in, first
 * out) or decided by `handle(fn)`, replies held until `release` or never sent (`hang`), and the
 * counts tests assert on. A subclass reads the request (`serve`), records it, takes `nextReply`
 * and hands it to `deliver`.
 */
export abstract class FakeHttpServer<Recorded> {
  /** Requests being answered now, and the most seen at once. */
  inFlight = 0;
  maxInFlight = 0;
  /** Requests whose client went away before the answer. */
  abandoned = 0;
  private readonly server: Server;
  private readonly queue: FakeHttpReply[] = [];
  private handler: ((request: Recorded) => FakeHttpReply | undefined) | undefined;

  constructor() {
    this.server = createServer((request, response) => {
      this.serve(request, response).catch((error: unknown) => {
        if (!response.headersSent) this.serverError(response, error);
      });
    });
  }

  /** Answers one request in the service's wire format. */
  protected abstract serve(request: IncomingMessage, response: ServerResponse): Promise<void>;
  /** The service's 500 for a bug in the fake itself. */
  protected abstract serverError(response: ServerResponse, error: unknown): void;

  /** Starts listening on 127.0.0.1; resolves to the port. */
  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this.port;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Closes every connection (hanging ones included) and stops listening. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Queues replies for the next requests, in order. */
  reply(...replies: FakeHttpReply[]): this {
    this.queue.push(...replies);
    return this;
  }

  /** Decides replies once the queue is empty; return undefined for the default answer. */
  handle(handler: ((request: Recorded) => FakeHttpReply | undefined) | undefined): this {
    this.handler = handler;
    return this;
  }

  /** The reply for a recorded request: the queue's first, else the handler's, else `fallback`. */
  protected nextReply(request: Recorded, fallback: () => FakeHttpReply): FakeHttpReply {
    return this.queue.shift() ?? this.handler?.(request) ?? fallback();
  }

  /**
   * Sends `reply` with `send` (the service's headers and encoding), counting it in flight until it
   * is sent or the client goes away; a `hang` holds the connection open until then.
   */
  protected async deliver(
    response: ServerResponse,
    reply: FakeHttpReply,
    send: (status: number, body: unknown, headers: Record<string, string>) => void,
  ): Promise<void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    response.on('close', () => {
      if (!response.writableFinished) this.abandoned++;
    });
    try {
      if ('hang' in reply) {
        await new Promise<void>((resolve) => response.on('close', resolve));
        return;
      }
      if ('release' in reply) await reply.release;
      if (!response.destroyed) send(reply.status, reply.body, reply.headers ?? {});
    } finally {
      this.inFlight--;
    }
  }
}

/** A request's whole body as UTF-8 text. */
export function readRequestBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
