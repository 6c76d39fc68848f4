import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, openSocket, refusedHandshake } from './helpers/api-client';
import { signHs256, unsignedToken } from './helpers/forged-tokens';
import { buySignal, JWT_SECRET, startTestServer, type TestServer } from './helpers/test-server';

const LOGIN_LIMIT = 5;

describe('authorization: every route and socket scoped to the caller', () => {
  let t: TestServer;
  let api: ReturnType<typeof apiClient>;
  let alice: { token: string; id: string };
  let bob: { token: string; id: string };
  let aliceTradeId: string;

  beforeAll(async () => {
    t = await startTestServer({ security: { loginRateLimitPerMinute: LOGIN_LIMIT } });
    api = apiClient(t.baseUrl);
    const a = await api.register('alice');
    const b = await api.register('bob');
    alice = { token: a.access_token, id: a.user.id };
    bob = { token: b.access_token, id: b.user.id };
    await api.request('POST', '/trading/start', { token: alice.token });
    t.analyzer.script((input) => buySignal(input.market.price), alice.id);
    await t.engine.runCycle();
    const [position] = (await api.request('GET', '/trading/positions', { token: alice.token })).body
      .positions;
    aliceTradeId = position.tradeId;
  });
  afterAll(async () => {
    await t?.close();
  });

  it("never shows one user another's trades, positions or portfolio", async () => {
    const [trades, positions, portfolio, performance, analyses] = await Promise.all([
      api.request('GET', '/trading/trades', { token: bob.token }),
      api.request('GET', '/trading/positions', { token: bob.token }),
      api.request('GET', '/portfolio', { token: bob.token }),
      api.request('GET', '/portfolio/performance', { token: bob.token }),
      api.request('GET', '/trading/analyses', { token: bob.token }),
    ]);
    expect(trades.body).toMatchObject({ trades: [], total: 0 });
    expect(positions.body.positions).toEqual([]);
    expect(portfolio.body.openPositions).toBe(0);
    expect(performance.body.closedTrades).toBe(0);
    expect(analyses.body.analyses).toEqual([]);
    expect(JSON.stringify([trades.body, positions.body, portfolio.body, analyses.body])).not.toContain(
      alice.id,
    );
  });

  it("refuses to close another user's trade with 404, and the trade stays open", async () => {
    const response = await api.request('POST', `/trading/close/${aliceTradeId}`, { token: bob.token });
    expect(response.status).toBe(404);
    expect(JSON.stringify(response.body)).not.toContain(alice.id);
    const positions = await api.request('GET', '/trading/positions', { token: alice.token });
    expect(positions.body.positions.map((p: { tradeId: string }) => p.tradeId)).toEqual([aliceTradeId]);
    expect((await t.store.getTrade(alice.id, aliceTradeId))?.status).toBe('filled');
    expect((await api.request('POST', '/trading/close/no-such-trade', { token: alice.token })).status).toBe(
      404,
    );
  });

  it('refuses requests without a token, with a bad, expired, unsigned or foreign token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const tokens = {
      none: undefined,
      garbage: 'not.a.token',
      expired: signHs256({ sub: alice.id, username: 'alice', iat: now - 7200, exp: now - 3600 }, JWT_SECRET),
      unsigned: unsignedToken({ sub: alice.id, username: 'alice', iat: now, exp: now + 3600 }),
      otherSecret: signHs256(
        { sub: alice.id, username: 'alice', iat: now, exp: now + 3600 },
        'another-secret-of-sufficient-length-000',
      ),
      noExpiry: signHs256({ sub: alice.id, username: 'alice', iat: now }, JWT_SECRET),
    };
    for (const [name, token] of Object.entries(tokens)) {
      for (const [method, path] of [
        ['GET', '/trading/trades'],
        ['GET', '/trading/positions'],
        ['POST', '/trading/start'],
        ['POST', `/trading/close/${aliceTradeId}`],
        ['GET', '/portfolio'],
        ['GET', '/account'],
      ] as const) {
        const response = await api.request(method, path, token ? { token } : {});
        expect(response.status, `${name} ${method} ${path}`).toBe(401);
      }
    }
    // A valid token made with the same secret works: the refusals above are about the token.
    const valid = signHs256({ sub: alice.id, username: 'alice', iat: now, exp: now + 60 }, JWT_SECRET);
    expect((await api.request('GET', '/trading/positions', { token: valid })).status).toBe(200);
    expect((await t.store.getTrade(alice.id, aliceTradeId))?.status).toBe('filled');
  });

  it('refuses WebSocket handshakes without a valid token or from a foreign origin', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await refusedHandshake(t.wsUrl)).toBe(401);
    expect(await refusedHandshake(t.wsUrl, { token: 'garbage' })).toBe(401);
    expect(
      await refusedHandshake(t.wsUrl, {
        token: signHs256({ sub: alice.id, iat: now - 100, exp: now - 10 }, JWT_SECRET),
      }),
    ).toBe(401);
    expect(
      await refusedHandshake(t.wsUrl, { token: unsignedToken({ sub: alice.id, exp: now + 3600 }) }),
    ).toBe(401);
    expect(await refusedHandshake(t.wsUrl, { token: alice.token, origin: 'https://evil.example' })).toBe(403);
    // The dashboard's own origin and a token offered as a subprotocol are accepted.
    const origin = t.baseUrl;
    const socket = await openSocket(t.wsUrl, { protocols: ['trd.v1', `bearer.${alice.token}`], origin });
    expect(socket.socket.protocol).toBe('trd.v1');
    socket.socket.send('{"type":"ping"}');
    await socket.next((m) => m.type === 'pong');
    await socket.close();
  });

  it("delivers each user's engine events to that user's sockets only", async () => {
    await api.request('POST', '/trading/start', { token: bob.token });
    const aliceSocket = await openSocket(t.wsUrl, { token: alice.token });
    const bobSocket = await openSocket(t.wsUrl, { token: bob.token });
    const bobSecond = await openSocket(t.wsUrl, { token: bob.token });

    t.analyzer.script((input) => buySignal(input.market.price), bob.id);
    await t.clock.advance(60_000);
    await t.engine.runCycle();
    const opened = await bobSocket.next((m) => m.type === 'trade:opened');
    await bobSecond.next((m) => m.type === 'trade:opened');
    expect(opened.trade.userId).toBe(bob.id);

    // Alice (an open position: skipped this cycle) then closes hers by hand.
    const closed = await api.request('POST', `/trading/close/${aliceTradeId}`, { token: alice.token });
    expect(closed.status).toBe(200);
    await aliceSocket.next((m) => m.type === 'trade:closed');

    for (const message of aliceSocket.messages) {
      if (message.trade) expect(message.trade.userId).toBe(alice.id);
      expect(JSON.stringify(message)).not.toContain(bob.id);
    }
    for (const message of bobSocket.messages) {
      if (message.trade) expect(message.trade.userId).toBe(bob.id);
      expect(JSON.stringify(message)).not.toContain(alice.id);
    }
    expect(aliceSocket.messages.some((m) => m.type === 'trade:opened')).toBe(false);
    expect(bobSocket.messages.some((m) => m.type === 'trade:closed')).toBe(false);
    await Promise.all([aliceSocket.close(), bobSocket.close(), bobSecond.close()]);
    expect(t.server.hub.connections()).toBe(0);
  });

  it('rate-limits logins harder than other routes', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LOGIN_LIMIT + 2; i++)
      statuses.push((await api.login('alice', 'wrong-password-xyz')).status);
    expect(statuses.slice(0, LOGIN_LIMIT).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(LOGIN_LIMIT)).toEqual([429, 429]);
    // Even the right password waits now, while the rest of the API still answers.
    expect((await api.login('alice')).status).toBe(429);
    for (let i = 0; i < LOGIN_LIMIT + 2; i++) {
      expect((await api.request('GET', '/trading/positions', { token: alice.token })).status).toBe(200);
    }
    expect((await api.request('GET', '/health')).status).toBe(200);
  });
});
