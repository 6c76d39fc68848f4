import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from './helpers/api-client';
import { startTestServer, type TestServer } from './helpers/test-server';

const SQLISH = [
  "alice'; DROP TABLE users; --",
  "' OR '1'='1",
  'x"; DELETE FROM trades WHERE ""="',
  '1; SELECT pg_sleep(5)',
];
const HUGE = 'x'.repeat(200 * 1024);

describe('bad input on every route: 4xx, nothing written, server still healthy', () => {
  let t: TestServer;
  let api: ReturnType<typeof apiClient>;
  let token: string;
  let userId: string;

  /** Everything a bad request could have changed. */
  const snapshot = async () => ({
    counts: await t.store.query(
      `select (select count(*) from users) as users, (select count(*) from trading_configs) as configs,
              (select count(*) from trades) as trades, (select count(*) from open_positions) as positions,
              (select count(*) from order_intents) as intents, (select count(*) from portfolio) as portfolios`,
    ),
    user: await t.store.query(
      'select username, email, password_hash, exchange_credentials from users order by id',
    ),
    config: await t.store.getConfig(userId),
  });

  beforeAll(async () => {
    t = await startTestServer({ bodyLimit: 64 * 1024 });
    api = apiClient(t.baseUrl);
    const registered = await api.register('carol', 'carol-password-123');
    token = registered.access_token;
    userId = registered.user.id;
    await api.request('PUT', '/trading/config', { token, body: { minConfidence: 65 } });
    await api.request('PUT', '/account/exchange-credentials', {
      token,
      body: { apiKey: 'OriginalKey123', secret: 'OriginalSecret456' },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 400 naming the field, for missing fields and wrong types', async () => {
    const cases: [string, string, unknown, string][] = [
      ['POST', '/auth/register', {}, 'body.username'],
      ['POST', '/auth/register', { username: 'dave', email: 'dave@example.com' }, 'body.password'],
      [
        'POST',
        '/auth/register',
        { username: 123, email: 'dave@example.com', password: 'dave-password-1' },
        'body.username',
      ],
      [
        'POST',
        '/auth/register',
        { username: 'dave', email: 'not-an-email', password: 'dave-password-1' },
        'body.email',
      ],
      [
        'POST',
        '/auth/register',
        { username: 'dave', email: 'dave@example.com', password: 'short' },
        'body.password',
      ],
      [
        'POST',
        '/auth/register',
        { username: 'dave', email: 'd@example.com', password: 'dave-password-1', isAdmin: true },
        'isAdmin',
      ],
      ['POST', '/auth/login', {}, 'body.username'],
      ['POST', '/auth/login', { username: ['carol'], password: { $ne: null } }, 'body.username'],
      ['PUT', '/trading/config', { riskPercent: '1' }, 'body.riskPercent'],
      ['PUT', '/trading/config', { riskPercent: -1 }, 'body.riskPercent'],
      ['PUT', '/trading/config', { minConfidence: 101 }, 'body.minConfidence'],
      ['PUT', '/trading/config', { maxDailyTrades: 1.5 }, 'body.maxDailyTrades'],
      ['PUT', '/trading/config', { symbol: 'DOGEUSDT' }, 'body.symbol'],
      ['PUT', '/trading/config', { isActive: true }, 'isActive'],
      ['PUT', '/trading/config', { userId: 'someone-else' }, 'userId'],
      ['PUT', '/trading/config', [1, 2, 3], 'body'],
      ['PUT', '/account/exchange-credentials', {}, 'body.apiKey'],
      ['PUT', '/account/exchange-credentials', { apiKey: 'OnlyTheKey123' }, 'body.secret'],
      ['PUT', '/account/exchange-credentials', { apiKey: 12345678, secret: 'Secret123456' }, 'body.apiKey'],
      ['PUT', '/account/trading-mode', {}, 'body.mode'],
      ['PUT', '/account/trading-mode', { mode: 'margin' }, 'body.mode'],
      ['PUT', '/account/trading-mode', { mode: 'live', confirm: 'yes' }, 'body.confirm'],
      ['PUT', '/account/trading-mode', { mode: 'paper', extra: 1 }, 'extra'],
      // The simulated exchange has no live venue.
      ['PUT', '/account/trading-mode', { mode: 'live', confirm: true }, 'body.mode'],
    ];
    for (const [method, path, body, field] of cases) {
      const response = await api.request(method, path, { token, body });
      expect(response.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect(response.body.message, `${method} ${path} ${JSON.stringify(body)}`).toContain(field);
    }
  });

  it('refuses bad query strings and path parameters', async () => {
    for (const query of [
      'limit=abc',
      'limit=0',
      'limit=1000',
      'offset=-1',
      'status=bogus',
      'limit=1;DROP%20TABLE%20trades',
      'extra=1',
    ]) {
      const response = await api.request('GET', `/trading/trades?${query}`, { token });
      expect(response.status, query).toBe(400);
    }
    for (const query of ['symbol=btcusdt', 'limit=100000', `symbol=${encodeURIComponent(SQLISH[0]!)}`]) {
      expect((await api.request('GET', `/market/candles?${query}`, { token })).status, query).toBe(400);
    }
    for (const id of [...SQLISH, 'a'.repeat(300), '..%2F..%2Fetc%2Fpasswd']) {
      const response = await api.request('POST', `/trading/close/${encodeURIComponent(id)}`, { token });
      expect([400, 404, 414], id).toContain(response.status);
    }
  });

  it('treats SQL-ish strings as plain (refused) data', async () => {
    for (const sql of SQLISH) {
      const register = await api.request('POST', '/auth/register', {
        body: { username: sql, email: 'x@example.com', password: 'some-password-1' },
      });
      expect(register.status).toBe(400);
      const login = await api.request('POST', '/auth/login', { body: { username: sql, password: sql } });
      expect([400, 401]).toContain(login.status);
      const config = await api.request('PUT', '/trading/config', { token, body: { symbol: sql } });
      expect(config.status).toBe(400);
      const credentials = await api.request('PUT', '/account/exchange-credentials', {
        token,
        body: { apiKey: sql, secret: sql },
      });
      expect(credentials.status).toBe(400);
    }
  });

  it('refuses huge bodies, broken JSON and other content types', async () => {
    for (const [method, path] of [
      ['POST', '/auth/register'],
      ['POST', '/auth/login'],
      ['PUT', '/trading/config'],
      ['PUT', '/account/exchange-credentials'],
      ['POST', '/trading/start'],
    ] as const) {
      const huge = await api.request(method, path, {
        token,
        body: { username: HUGE, password: HUGE, apiKey: HUGE, secret: HUGE },
      });
      expect(huge.status, `${method} ${path} huge`).toBe(413);
      const broken = await api.request(method, path, { token, rawBody: '{"username": "dave", ' });
      expect(broken.status, `${method} ${path} broken`).toBe(400);
      const text = await api.request(method, path, {
        token,
        rawBody: 'username=dave',
        headers: { 'content-type': 'text/plain' },
      });
      expect([400, 415], `${method} ${path} text`).toContain(text.status);
    }
  });

  it('leaves the database exactly as it was and stays healthy', async () => {
    const before = await snapshot();
    await api.request('PUT', '/trading/config', { token, body: { minConfidence: 101, riskPercent: 2 } });
    await api.request('PUT', '/account/exchange-credentials', {
      token,
      body: { apiKey: 'NewKey12345', secret: 'x' },
    });
    await api.request('POST', '/auth/register', {
      body: { username: 'carol', email: 'CAROL@example.com', password: 'another-pass-1' },
    });
    await api.request('POST', '/auth/register', {
      body: { username: 'erin', email: 'carol@example.com', password: 'another-pass-1' },
    });
    await api.request('POST', '/auth/register', {
      body: { username: "erin'--", email: 'erin@example.com', password: 'another-pass-1' },
    });
    await api.request('POST', '/trading/close/does-not-exist', { token });
    await api.request('PUT', '/trading/config', { token, body: { symbol: 'DOGEUSDT', minConfidence: 50 } });
    expect(await snapshot()).toEqual(before);
    expect(before.config?.minConfidence).toBe(65);

    const health = await api.request('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    expect((await api.login('carol', 'carol-password-123')).status).toBe(200);
  });

  it('documents every route in OpenAPI at /docs', async () => {
    const spec = await api.request('GET', '/docs/json');
    expect(spec.status).toBe(200);
    for (const path of [
      '/auth/register',
      '/auth/login',
      '/trading/start',
      '/trading/stop',
      '/trading/config',
      '/trading/trades',
      '/trading/positions',
      '/trading/close/{trade_id}',
      '/portfolio',
      '/portfolio/performance',
      '/health',
      '/account/exchange-credentials',
      '/account/trading-mode',
    ]) {
      expect(spec.body.paths, path).toHaveProperty([path]);
    }
    expect(
      spec.body.paths['/auth/register'].post.requestBody.content['application/json'].schema.required,
    ).toEqual(['username', 'email', 'password']);
    expect((await api.request('GET', '/docs')).status).toBeLessThan(400);
  });

  it('serves the dashboard with a strict content security policy', async () => {
    const page = await api.request('GET', '/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
  });

  it('answers unknown routes with 404 JSON', async () => {
    const response = await api.request('GET', '/admin/users', { token });
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ statusCode: 404 });
  });
});
