import { randomUUID } from 'node:crypto';
import { mapError } from '../server/error-mapping';
import type { TradingEngine } from '../server/server-deps';
import type { NotifyConnection } from './notify-connection';
import { OwnerUnavailableError } from './owner-unavailable-error';

/** A command for the engine that trades a user, and its answer; both well under NOTIFY's limit. */
interface CloseRequest {
  k: 'close';
  id: string;
  from: string;
  to: string;
  userId: string;
  tradeId: string;
}
interface CommandReply {
  k: 'reply';
  id: string;
  to: string;
  ok: boolean;
  status?: number;
  message?: string;
}

/** The owner answered with an error (its HTTP status and safe message). */
class OwnerRefusedError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'OwnerRefusedError';
  }
}

export interface OwnerCommandsOptions {
  engine: Pick<TradingEngine, 'closeTrade'>;
  /** This process's engine (its name in `user_leases`). */
  instanceId: string;
  connection: NotifyConnection;
  channel: string;
  /** Who holds the user's lease now, `null` when nobody does. */
  leaseHolder(userId: string): Promise<string | null>;
  /** Takes a free user's lease for this engine; true when this engine holds it after. */
  claim(userId: string): Promise<boolean>;
  /** How long the caller waits for the owner's answer, ms. */
  timeoutMs: number;
  /** What a 503 tells the client to wait, seconds (the lease TTL, bounding a takeover). */
  retryAfterSeconds: number;
  log?: (message: string) => void;
}

/**
 * Manual closes executed by the engine that trades the user, whichever process took the HTTP
 * request: here when this engine holds the user's lease (or takes it, the user being free),
 * otherwise sent to the holder on `channel`, which closes and answers. No answer within
 * `timeoutMs` is an `OwnerUnavailableError` (503, retry later). The holder refuses a command for a
 * user it no longer holds, so only one engine ever acts on a user's position.
 */
export function createOwnerCommands(options: OwnerCommandsOptions) {
  const { engine, instanceId, connection, channel, leaseHolder } = options;
  const waiting = new Map<string, { resolve(): void; reject(error: Error): void }>();
  const unavailable = (message: string) => new OwnerUnavailableError(message, options.retryAfterSeconds);

  const reply = (request: CloseRequest, answer: Omit<CommandReply, 'k' | 'id' | 'to'>) =>
    connection.notify(channel, [JSON.stringify({ k: 'reply', id: request.id, to: request.from, ...answer })]);

  const serve = async (request: CloseRequest) => {
    if ((await leaseHolder(request.userId)) !== instanceId) {
      await reply(request, { ok: false, status: 503, message: 'the user is moving to another process' });
      return;
    }
    try {
      await engine.closeTrade(request.userId, request.tradeId);
      await reply(request, { ok: true });
    } catch (error) {
      const mapped = mapError(error);
      await reply(request, { ok: false, status: mapped.statusCode, message: mapped.message });
    }
  };

  const stopListening = connection.listen(channel, (payload) => {
    const message = JSON.parse(payload) as Partial<CloseRequest | CommandReply>;
    if (message.to !== instanceId || typeof message.id !== 'string') return;
    if (message.k === 'close') {
      const request = message as CloseRequest;
      if (typeof request.userId !== 'string' || typeof request.tradeId !== 'string') return;
      void serve(request).catch((error: unknown) =>
        options.log?.(`command ${request.id} failed: ${(error as Error).message}`),
      );
    } else if (message.k === 'reply') {
      const answer = message as CommandReply;
      const pending = waiting.get(answer.id);
      if (!pending) return;
      waiting.delete(answer.id);
      if (answer.ok) pending.resolve();
      else if (answer.status === 503)
        pending.reject(unavailable(answer.message ?? 'the owner is unavailable'));
      else pending.reject(new OwnerRefusedError(answer.status ?? 500, answer.message ?? 'internal error'));
    }
  });

  const sendTo = (owner: string, userId: string, tradeId: string) =>
    new Promise<void>((resolve, reject) => {
      const request: CloseRequest = {
        k: 'close',
        id: randomUUID(),
        from: instanceId,
        to: owner,
        userId,
        tradeId,
      };
      const timer = setTimeout(() => {
        waiting.delete(request.id);
        reject(unavailable('the process trading this user did not answer in time'));
      }, options.timeoutMs);
      const settle = { resolve, reject };
      waiting.set(request.id, {
        resolve: () => {
          clearTimeout(timer);
          settle.resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          settle.reject(error);
        },
      });
      void connection.notify(channel, [JSON.stringify(request)]).then((sent) => {
        if (sent || !waiting.has(request.id)) return;
        waiting.get(request.id)?.reject(unavailable('the processes cannot reach each other right now'));
        waiting.delete(request.id);
      });
    });

  return {
    /** Closes the user's open trade at market (MANUAL) on the engine that trades the user. */
    async closeTrade(userId: string, tradeId: string): Promise<void> {
      let holder = await leaseHolder(userId);
      if (holder === null) {
        if (await options.claim(userId)) holder = instanceId;
        else holder = await leaseHolder(userId);
        if (holder === null) throw unavailable('the user is moving to another process');
      }
      if (holder === instanceId) {
        await engine.closeTrade(userId, tradeId);
        return;
      }
      await sendTo(holder, userId, tradeId);
    },
    /** Stops serving commands; callers still waiting get a 503. */
    detach(): void {
      stopListening();
      for (const [id, pending] of waiting) {
        waiting.delete(id);
        pending.reject(unavailable('this process is shutting down'));
      }
    },
  };
}

export type OwnerCommands = ReturnType<typeof createOwnerCommands>;
