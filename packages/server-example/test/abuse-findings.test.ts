import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, openSocket, refusedHandshake } from './helpers/api-client';
import { startTestServer, type TestServer } from './helpers/test-server';

/** The documented error shape, and nothing else. */
function expectErrorShape(body: unknown, statusCode: number): void {
  expect(body).toMatchObject({ statusCode, error: expect.any(String), message: expect.any(String) });
  const keys = Object.keys(body as object).sort();
  expect(keys.filter((k) => !['error', 'issues', 'message', 'statusCode'].includes(k))).toEqual([]);
}

describe('the server under attack and abuse (issue 13)', () => {
  let t: TestServer;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    t = await startTestServer();
    api = apiClient(t.baseUrl);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('1 and 7: strings PostgreSQL cannot store, or that are not Unicode', () => {
    it('answers 400 naming the field for a NUL byte, on login, register and config', async () => {
      const { access_token: token } = await api.register('nulcheck');
      const cases: [string, string, unknown, string][] = [
        ['POST', '/auth/login', { username: 'adm\u0000in', password: 'whatever1' }, 'body.username'],
        [
          'POST',
          '/auth/register',
          { username: 'nul', email: 'n@example.com', password: 'pass\u0000word1' },
          'body.password',
        ],
        ['PUT', '/trading/config', { symbol: 'BTC\u0000USDT' }, 'body.symbol'],
        [
          'PUT',
          '/account/exchange-credentials',
          { apiKey: 'a\u0000bcdefghi', secret: 'abcdefghij' },
          'body.apiKey',
        ],
      ];
      for (const [method, path, body, field] of cases) {
        const response = await api.request(method, path, { token, body });
        expect(response.status, `${method} ${path}`).toBe(400);
        expectErrorShape(response.body, 400);
        expect(response.body.issues[0].field).toBe(field);
      }
      const query = await api.request('GET', '/trading/trades?status=open%00', { token });
      expect(query.status).toBe(400);
      expect(query.body.issues[0].field).toBe('querystring.status');
      const param = await api.request('POST', '/trading/close/abc%00', { token });
      expect(param.status).toBe(400);
      expect(param.body.issues[0].field).toBe('params.trade_id');
    });

    it('refuses lone surrogates, so two different passwords never collide', async () => {
      const response = await api.request('POST', '/auth/register', {
        rawBody: JSON.stringify({ username: 'surrogate', email: 's@example.com', password: 'x' }).replace(
          '"x"',
          `"${'\\ud800'.repeat(10)}"`,
        ),
      });
      expect(response.status).toBe(400);
      expect(response.body.issues[0]).toEqual({
        field: 'body.password',
        message: 'must be valid Unicode (no lone surrogates)',
      });
      const login = await api.request('POST', '/auth/login', {
        rawBody: `{"username":"surrogate","password":"${'\\udfff'.repeat(10)}"}`,
      });
      expect(login.status).toBe(400);
      expect(login.body.issues[0].field).toBe('body.password');
    });
  });

  describe('2: no lost updates', () => {
    it('keeps every one of six parallel PUTs of different fields', async () => {
      const { access_token: token } = await api.register('racer');
      const changes = [
        { riskPercent: 2.5 },
        { maxPositionPercent: 25 },
        { maxDailyTrades: 7 },
        { minConfidence: 71 },
        { takeProfitPercent: 1.5 },
        { stopLossPercent: 1.25 },
      ];
      for (let round = 0; round < 4; round++) {
        const varied = changes.map((change) =>
          Object.fromEntries(Object.entries(change).map(([k, v]) => [k, v + round])),
        );
        const answers = await Promise.all(
          varied.map((body) => api.request('PUT', '/trading/config', { token, body })),
        );
        expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
        const config = (await api.request('GET', '/trading/config', { token })).body;
        expect(config).toMatchObject(Object.assign({}, ...varied));
      }
    });

    it('start racing a PUT still ends active', async () => {
      const { access_token: token } = await api.register('starter');
      for (let i = 0; i < 10; i++) {
        await api.request('POST', '/trading/stop', { token });
        const [start, put] = await Promise.all([
          api.request('POST', '/trading/start', { token }),
          api.request('PUT', '/trading/config', { token, body: { minConfidence: 50 + i } }),
        ]);
        expect([start.status, put.status]).toEqual([200, 200]);
        const config = (await api.request('GET', '/trading/config', { token })).body;
        expect(config).toMatchObject({ isActive: true, minConfidence: 50 + i });
      }
    });
  });

  describe('4: a token stops working once its user is gone or its sessions are revoked', () => {
    const routes: [string, string][] = [
      ['GET', '/account'],
      ['GET', '/trading/config'],
      ['PUT', '/trading/config'],
      ['POST', '/trading/start'],
      ['POST', '/trading/stop'],
      ['GET', '/trading/trades'],
      ['GET', '/trading/positions'],
      ['GET', '/trading/analyses'],
      ['POST', '/trading/close/some-trade'],
      ['GET', '/portfolio'],
      ['GET', '/portfolio/performance'],
      ['PUT', '/account/exchange-credentials'],
      ['DELETE', '/account/exchange-credentials'],
    ];
    const bodyFor = (method: string, path: string) =>
      path === '/trading/config' && method === 'PUT'
        ? { minConfidence: 61 }
        : path === '/account/exchange-credentials' && method === 'PUT'
          ? { apiKey: 'abcdefgh123', secret: 'abcdefgh456' }
          : undefined;

    it('refuses a deleted user on every route and on /ws', async () => {
      const { access_token: token, user } = await api.register('doomed');
      expect(await refusedHandshake(t.wsUrl, { token })).toBe(101);
      await t.store.query('delete from users where id = ?', [user.id]);
      for (const [method, path] of routes) {
        const response = await api.request(method, path, { token, body: bodyFor(method, path) });
        expect(response.status, `${method} ${path}`).toBe(401);
        expectErrorShape(response.body, 401);
      }
      expect(await refusedHandshake(t.wsUrl, { token })).toBe(401);
    });

    it('revoke-sessions ends every token and open socket of the user, and only theirs', async () => {
      const first = await api.register('revoker');
      const second = (await api.login('revoker')).body.access_token;
      const other = await api.register('bystander');
      const socket = await openSocket(t.wsUrl, { token: second });
      const closed = new Promise<number>((resolve) => socket.socket.once('close', (code) => resolve(code)));
      const revoked = await api.request('POST', '/auth/revoke-sessions', { token: first.access_token });
      expect(revoked.status).toBe(200);
      expect(await closed).toBe(4001);
      for (const token of [first.access_token, second]) {
        expect((await api.request('GET', '/account', { token })).status).toBe(401);
        expect(await refusedHandshake(t.wsUrl, { token })).toBe(401);
      }
      expect((await api.request('GET', '/account', { token: other.access_token })).status).toBe(200);
      const fresh = (await api.login('revoker')).body.access_token;
      expect((await api.request('GET', '/account', { token: fresh })).status).toBe(200);
    });
  });

  describe('5: failed logins are slowed down per username, whatever the address', () => {
    it('answers 429 with Retry-After after five failures, and lets the owner in once the wait is over', async () => {
      await api.register('victim', 'victim-password-1');
      const statuses: number[] = [];
      for (let i = 0; i < 25; i++) {
        const response = await api.request('POST', '/auth/login', {
          body: { username: 'victim', password: `wrong-guess-${i}` },
          headers: { 'x-forwarded-for': `10.0.0.${i}` },
        });
        statuses.push(response.status);
        if (response.status === 429) {
          expectErrorShape(response.body, 429);
          expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
        }
      }
      expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(statuses.slice(5).every((s) => s === 429)).toBe(true);
      // Case and width do not make another name.
      expect((await api.login('VICTIM', 'victim-password-1')).status).toBe(429);
      // The wait is short (OWASP: slow down, do not lock out): one second after the fifth failure.
      await t.clock.advance(1_000);
      expect((await api.login('victim', 'victim-password-1')).status).toBe(200);
    });
  });

  describe('6: usernames and emails are unique NFKC-normalised and case-folded', () => {
    it('refuses "Dana" after "dana" and a re-cased email, logs in any case, keeps the display form', async () => {
      const created = await api.register('Dana_Display', 'dana-password-1', 'Dana.Mail@Example.com');
      expect(created.user.username).toBe('Dana_Display');
      const sameName = await api.request('POST', '/auth/register', {
        body: { username: 'dana_display', email: 'other@example.com', password: 'dana-password-2' },
      });
      expect(sameName.status).toBe(409);
      const sameEmail = await api.request('POST', '/auth/register', {
        body: { username: 'dana2', email: 'dana.mail@EXAMPLE.COM', password: 'dana-password-2' },
      });
      expect(sameEmail.status).toBe(409);
      const login = await api.login('DANA_DISPLAY', 'dana-password-1');
      expect(login.status).toBe(200);
      expect(login.body.user).toMatchObject({ username: 'Dana_Display', email: 'Dana.Mail@Example.com' });
      expect((await api.login('ｄａｎａ_ｄｉｓｐｌａｙ', 'dana-password-1')).status).toBe(200);
    });
  });

  describe('8: bodies and error shapes', () => {
    it('refuses [] and null on routes that take no body, and any body on close', async () => {
      const { access_token: token } = await api.register('bodies');
      const routes: [string, string][] = [
        ['POST', '/trading/start'],
        ['POST', '/trading/stop'],
        ['DELETE', '/account/exchange-credentials'],
        ['POST', '/trading/close/some-trade'],
      ];
      for (const [method, path] of routes) {
        for (const rawBody of ['[]', 'null', '"text"', '{"x":1}']) {
          const response = await api.request(method, path, { token, rawBody });
          expect(response.status, `${method} ${path} ${rawBody}`).toBe(400);
          expect(response.body.issues[0].field).toBe('body');
        }
      }
    });

    it('accepts an empty body with a JSON content type on start', async () => {
      const { access_token: token } = await api.register('emptybody');
      const response = await api.request('POST', '/trading/start', { token, rawBody: '' });
      expect(response.status).toBe(200);
    });

    it('answers 415, 414, a malformed URL and invalid JSON in the documented shape', async () => {
      const { access_token: token } = await api.register('shapes');
      const unsupported = await api.request('PUT', '/trading/config', {
        token,
        rawBody: 'minConfidence=5',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(unsupported.status).toBe(415);
      expectErrorShape(unsupported.body, 415);
      const long = await api.request('POST', `/trading/close/${'a'.repeat(300)}`, { token });
      expect(long.status).toBe(414);
      expectErrorShape(long.body, 414);
      const malformed = await api.request('POST', '/trading/close/%E0%A4%A', { token });
      expect(malformed.status).toBe(400);
      expectErrorShape(malformed.body, 400);
      const invalid = await api.request('PUT', '/trading/config', { token, rawBody: '{"minConfidence":' });
      expect(invalid.status).toBe(400);
      expectErrorShape(invalid.body, 400);
    });
  });

  describe('11: the reference bot clients', () => {
    it('accepts /ws/{user_id} for the token’s own user only', async () => {
      const alice = await api.register('wsalice');
      const bob = await api.register('wsbob');
      const socket = await openSocket(`${t.wsUrl}/${alice.user.id}`, { token: alice.access_token });
      expect(socket.messages[0]).toMatchObject({ type: 'connected', userId: alice.user.id });
      await socket.close();
      expect(await refusedHandshake(`${t.wsUrl}/${bob.user.id}`, { token: alice.access_token })).toBe(403);
      expect(await refusedHandshake(`${t.wsUrl}/${alice.user.id}`)).toBe(401);
    });
  });
});
