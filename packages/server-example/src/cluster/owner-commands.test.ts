import { NotFoundError } from '@trd/core';
import { describe, expect, it } from 'vitest';
import type { NotifyConnection } from './notify-connection';
import { createOwnerCommands, type OwnerCommandsOptions } from './owner-commands';
import { OwnerUnavailableError } from './owner-unavailable-error';

/** PostgreSQL's NOTIFY in memory: every connection gets every payload, asynchronously, in order. */
function memoryBus() {
  const listeners = new Set<{ channel: string; listener: (payload: string) => void }>();
  let up = true;
  const connection = (): NotifyConnection => ({
    async notify(channel, payloads) {
      if (!up) return false;
      for (const payload of payloads) {
        await Promise.resolve();
        for (const entry of [...listeners]) if (entry.channel === channel) entry.listener(payload);
      }
      return true;
    },
    listen(channel, listener) {
      const entry = { channel, listener };
      listeners.add(entry);
      return () => listeners.delete(entry);
    },
    onReconnect() {},
    ready: async () => {},
    connected: true,
    close: async () => {},
  });
  return {
    connection,
    down: () => {
      up = false;
    },
  };
}

function engine(answer: (userId: string, tradeId: string) => Promise<void> = async () => {}) {
  const closes: string[] = [];
  return {
    closes,
    closeTrade: async (userId: string, tradeId: string) => {
      closes.push(`${userId}/${tradeId}`);
      await answer(userId, tradeId);
      return {} as never;
    },
  };
}

function processOf(
  name: string,
  bus: ReturnType<typeof memoryBus>,
  leases: Map<string, string>,
  options: Partial<OwnerCommandsOptions> = {},
) {
  const own = engine();
  const commands = createOwnerCommands({
    engine: own,
    instanceId: name,
    connection: bus.connection(),
    channel: 'test_commands',
    leaseHolder: async (userId) => leases.get(userId) ?? null,
    claim: async (userId) => {
      if (leases.has(userId)) return false;
      leases.set(userId, name);
      return true;
    },
    timeoutMs: 200,
    retryAfterSeconds: 8,
    ...options,
  });
  return { engine: own, commands };
}

describe('manual closes run on the engine that trades the user', () => {
  it('closes here when this engine holds the user, or takes a free user first', async () => {
    const bus = memoryBus();
    const leases = new Map([['alice', 'a']]);
    const a = processOf('a', bus, leases);
    await a.commands.closeTrade('alice', 't1');
    await a.commands.closeTrade('bob', 't2');
    expect(a.engine.closes).toEqual(['alice/t1', 'bob/t2']);
    expect(leases.get('bob')).toBe('a');
  });

  it('sends the close to the holder, which closes once and answers', async () => {
    const bus = memoryBus();
    const leases = new Map([['alice', 'a']]);
    const a = processOf('a', bus, leases);
    const b = processOf('b', bus, leases);
    const c = processOf('c', bus, leases);
    await c.commands.closeTrade('alice', 't1');
    expect(a.engine.closes).toEqual(['alice/t1']);
    expect([...b.engine.closes, ...c.engine.closes]).toEqual([]);
  });

  it("answers with the owner's refusal (404 for a trade it does not have open)", async () => {
    const bus = memoryBus();
    const leases = new Map([['alice', 'a']]);
    const owner = engine(async () => {
      throw new NotFoundError('trade t9 is not an open trade of user alice');
    });
    processOf('a', bus, leases, { engine: owner });
    const c = processOf('c', bus, leases);
    const refused = await c.commands.closeTrade('alice', 't9').catch((error: unknown) => error);
    expect(refused).toMatchObject({ statusCode: 404, message: expect.stringMatching(/not an open trade/) });
  });

  it('refuses with a 503 when the holder no longer holds the user, never closing it there', async () => {
    const bus = memoryBus();
    const leases = new Map([['alice', 'a']]);
    // A lost Alice (its lease moved) after C looked the holder up.
    const a = processOf('a', bus, leases, { leaseHolder: async () => 'b' });
    const c = processOf('c', bus, leases);
    const refused = await c.commands.closeTrade('alice', 't1').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OwnerUnavailableError);
    expect((refused as OwnerUnavailableError).retryAfterSeconds).toBe(8);
    expect(a.engine.closes).toEqual([]);
  });

  it('gives a 503 when the holder does not answer in time, or the bus is down', async () => {
    const bus = memoryBus();
    const leases = new Map([['alice', 'dead']]);
    const c = processOf('c', bus, leases);
    const started = Date.now();
    await expect(c.commands.closeTrade('alice', 't1')).rejects.toThrow(/did not answer in time/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    bus.down();
    await expect(c.commands.closeTrade('alice', 't1')).rejects.toBeInstanceOf(OwnerUnavailableError);
    expect(c.engine.closes).toEqual([]);
  });

  it('ends the waits of a process that shuts down with a 503', async () => {
    const bus = memoryBus();
    const c = processOf('c', bus, new Map([['alice', 'dead']]), { timeoutMs: 10_000 });
    const waiting = c.commands.closeTrade('alice', 't1');
    await new Promise((resolve) => setTimeout(resolve, 10));
    c.commands.detach();
    await expect(waiting).rejects.toThrow(/shutting down/);
  });
});
