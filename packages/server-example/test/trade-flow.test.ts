import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Decimal } from '@trd/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, openSocket } from './helpers/api-client';
import { buySignal, startTestServer, type TestServer } from './helpers/test-server';

const PASSWORD = 'flow-password-1234';
const API_KEY = 'BinanceApiKey0123456789';
const API_SECRET = 'BinanceSecretValue9876543210';

describe('end to end: register, trade, close, stop (real HTTP, WebSocket, PostgreSQL)', () => {
  let t: TestServer;
  let api: ReturnType<typeof apiClient>;
  let token: string;
  let userId: string;

  beforeAll(async () => {
    t = await startTestServer();
    api = apiClient(t.baseUrl);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('registers and logs in with a bearer token that expires', async () => {
    const registered = await api.register('alice', PASSWORD);
    expect(registered.user.username).toBe('alice');
    const login = await api.login('alice', PASSWORD);
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
    token = login.body.access_token;
    userId = login.body.user.id;
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    expect(claims.sub).toBe(userId);
    expect(claims.exp - claims.iat).toBe(3600);
    expect((await api.login('alice', 'wrong-password-000')).status).toBe(401);
    expect((await api.login('nobody', PASSWORD)).status).toBe(401);
    expect(
      (
        await api.request('POST', '/auth/register', {
          body: { username: 'alice', email: 'other@example.com', password: PASSWORD },
        })
      ).status,
    ).toBe(409);
  });

  it("starts with the reference bot's defaults, inactive", async () => {
    const config = await api.request('GET', '/trading/config', { token });
    expect(config.status).toBe(200);
    expect(config.body).toMatchObject({
      symbol: 'BTCUSDT',
      isActive: false,
      riskPercent: 1,
      maxPositionPercent: 10,
      maxDailyTrades: 10,
      minConfidence: 60,
      takeProfitPercent: 0.3,
      stopLossPercent: 0.5,
    });
    expect(config.body.userId).toBeUndefined();
  });

  it('keeps exchange credentials encrypted at rest and never returns them', async () => {
    const put = await api.request('PUT', '/account/exchange-credentials', {
      token,
      body: { apiKey: API_KEY, secret: API_SECRET },
    });
    expect(put.status).toBe(200);
    const account = await api.request('GET', '/account', { token });
    expect(account.body).toEqual({
      id: userId,
      username: 'alice',
      email: 'alice@example.com',
      hasExchangeCredentials: true,
      tradingMode: 'paper',
      liveVenue: null,
    });
    expect(JSON.stringify(account.body)).not.toContain(API_KEY);
    const rows = await t.store.query<Record<string, unknown>>('select * from users where id = ?', [userId]);
    const row = JSON.stringify(rows);
    expect(row).not.toContain(API_KEY);
    expect(row).not.toContain(API_SECRET);
    expect(row).not.toContain(PASSWORD);
  });

  it('opens a trade when the engine runs, and tells the user over the WebSocket', async () => {
    const socket = await openSocket(t.wsUrl, { token });
    const start = await api.request('POST', '/trading/start', { token });
    expect(start.status).toBe(200);
    expect((await api.request('GET', '/trading/config', { token })).body.isActive).toBe(true);

    t.analyzer.script((input) => buySignal(input.market.price));
    await t.engine.runCycle();

    const opened = await socket.next((m) => m.type === 'trade:opened');
    await socket.next((m) => m.type === 'analysis' && m.signal.action === 'buy');
    const positions = await api.request('GET', '/trading/positions', { token });
    expect(positions.body.positions).toHaveLength(1);
    const position = positions.body.positions[0];
    expect(position.tradeId).toBe(opened.trade.id);
    expect(position.userId).toBe(userId);
    // The exit pair works at the venue: the position is protected, and says by which exit.
    expect(position).toMatchObject({ protection: 'protected', exitRef: expect.any(String) });
    expect(position).not.toHaveProperty('unprotectedSince');
    expect(opened.position).toMatchObject({ tradeId: opened.trade.id, protection: 'protected' });
    // The reference exits: take profit +0.3%, stop loss −0.5% around the fill.
    const entry = new Decimal(position.entryPrice);
    expect(new Decimal(position.takeProfit).div(entry).toNumber()).toBeCloseTo(1.003, 4);
    expect(new Decimal(position.stopLoss).div(entry).toNumber()).toBeCloseTo(0.995, 4);

    const trades = await api.request('GET', '/trading/trades', { token });
    expect(trades.body).toMatchObject({ total: 1, limit: 20, offset: 0 });
    expect(trades.body.trades[0]).toMatchObject({
      id: opened.trade.id,
      status: 'filled',
      side: 'buy',
      confidence: 80,
    });

    const analyses = await api.request('GET', '/trading/analyses', { token });
    expect(analyses.body.analyses[0]).toMatchObject({ action: 'buy', confidence: 80, analyzer: 'scripted' });
    await socket.close();
  });

  it('closes it at take profit, and history, positions, portfolio and performance agree', async () => {
    const socket = await openSocket(t.wsUrl, { token });
    const [position] = (await api.request('GET', '/trading/positions', { token })).body.positions;
    t.analyzer.script({ action: 'hold', confidence: 0 });
    t.exchange.setPrice('BTCUSDT', new Decimal(position.takeProfit).mul('1.001').toFixed(2));
    await t.engine.monitorPositions();

    const closed = await socket.next((m) => m.type === 'trade:closed');
    expect(closed.trade).toMatchObject({ id: position.tradeId, status: 'closed', exitReason: 'TAKE_PROFIT' });
    expect(new Decimal(closed.trade.profitLoss).gt(0)).toBe(true);

    const [positions, history, portfolio, performance] = await Promise.all([
      api.request('GET', '/trading/positions', { token }),
      api.request('GET', '/trading/trades?status=closed', { token }),
      api.request('GET', '/portfolio', { token }),
      api.request('GET', '/portfolio/performance', { token }),
    ]);
    expect(positions.body.positions).toEqual([]);
    expect(history.body.total).toBe(1);
    const trade = history.body.trades[0];
    expect(trade).toMatchObject({
      id: position.tradeId,
      exitReason: 'TAKE_PROFIT',
      profitLoss: closed.trade.profitLoss,
    });
    expect(portfolio.body.stats).toMatchObject({
      totalTrades: 1,
      winningTrades: 1,
      losingTrades: 0,
      winRate: 100,
      totalRealizedPnl: trade.profitLoss,
    });
    expect(portfolio.body.openPositions).toBe(0);
    expect(Array.isArray(portfolio.body.stats.dust)).toBe(true);
    expect(portfolio.body.tradesToday).toBe(1);
    expect(portfolio.body.balances.map((b: { asset: string }) => b.asset)).toContain('USDT');
    expect(performance.body).toMatchObject({
      closedTrades: 1,
      winningTrades: 1,
      winRate: 100,
      totalPnl: trade.profitLoss,
      bestTrade: trade.profitLoss,
      byExitReason: { TAKE_PROFIT: 1 },
    });
    expect(performance.body.equityCurve).toEqual([
      { time: trade.closedAt, tradeId: trade.id, cumulativePnl: trade.profitLoss },
    ]);
    expect(new Decimal(performance.body.totalFees).eq(new Decimal(trade.entryFee).plus(trade.exitFee))).toBe(
      true,
    );
    await socket.close();
  });

  it('closes a trade by hand (MANUAL) and refuses to close it twice', async () => {
    await t.clock.advance(60_000);
    t.analyzer.script((input) => buySignal(input.market.price));
    await t.engine.runCycle();
    t.analyzer.script({ action: 'hold', confidence: 0 });
    const [position] = (await api.request('GET', '/trading/positions', { token })).body.positions;
    expect(position).toBeDefined();

    const close = await api.request('POST', `/trading/close/${position.tradeId}`, { token });
    expect(close.status).toBe(200);
    expect(close.body.trade).toMatchObject({ id: position.tradeId, status: 'closed', exitReason: 'MANUAL' });
    expect((await api.request('POST', `/trading/close/${position.tradeId}`, { token })).status).toBe(409);
    expect((await api.request('GET', '/trading/positions', { token })).body.positions).toEqual([]);

    const [portfolio, performance, closed] = await Promise.all([
      api.request('GET', '/portfolio', { token }),
      api.request('GET', '/portfolio/performance', { token }),
      api.request('GET', '/trading/trades?status=closed&limit=100', { token }),
    ]);
    const sum = closed.body.trades.reduce(
      (acc: Decimal, trade: { profitLoss: string }) => acc.plus(trade.profitLoss),
      new Decimal(0),
    );
    expect(closed.body.total).toBe(2);
    expect(portfolio.body.stats.totalTrades).toBe(2);
    expect(new Decimal(portfolio.body.stats.totalRealizedPnl).eq(sum)).toBe(true);
    expect(new Decimal(performance.body.totalPnl).eq(sum)).toBe(true);
    expect(performance.body.byExitReason).toEqual({ TAKE_PROFIT: 1, MANUAL: 1 });
    expect(performance.body.equityCurve.at(-1).cumulativePnl).toBe(performance.body.totalPnl);
  });

  it('pages the history newest first', async () => {
    const first = await api.request('GET', '/trading/trades?limit=1&offset=0', { token });
    const second = await api.request('GET', '/trading/trades?limit=1&offset=1', { token });
    expect(first.body.total).toBe(2);
    expect(first.body.trades).toHaveLength(1);
    expect(second.body.trades).toHaveLength(1);
    expect(first.body.trades[0].openedAt).toBeGreaterThan(second.body.trades[0].openedAt);
  });

  it('edits the config within the reference bounds', async () => {
    const put = await api.request('PUT', '/trading/config', {
      token,
      body: { minConfidence: 70, takeProfitPercent: 0.4 },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      minConfidence: 70,
      takeProfitPercent: 0.4,
      stopLossPercent: 0.5,
      isActive: true,
    });
    expect((await t.store.getConfig(userId))?.minConfidence).toBe(70);
  });

  it('stops: no more analysis for the user', async () => {
    expect((await api.request('POST', '/trading/stop', { token })).status).toBe(200);
    expect((await api.request('GET', '/trading/config', { token })).body.isActive).toBe(false);
    const before = t.analyzer.inputs.length;
    t.analyzer.script((input) => buySignal(input.market.price));
    await t.clock.advance(60_000);
    await t.engine.runCycle();
    expect(t.analyzer.inputs.length).toBe(before);
    expect((await api.request('GET', '/trading/positions', { token })).body.positions).toEqual([]);
  });

  it('serves candles for the chart', async () => {
    const response = await api.request('GET', '/market/candles?symbol=BTCUSDT&limit=50', { token });
    expect(response.status).toBe(200);
    expect(response.body.candles).toHaveLength(50);
    expect(response.body.candles.at(-1).time).toBeLessThanOrEqual(t.clock.now());
    expect((await api.request('GET', '/market/candles?symbol=DOGEUSDT', { token })).status).toBe(404);
  });

  it('wrote daily log files with the trades, and no secret anywhere in the logs', async () => {
    const files = readdirSync(t.logDir).sort();
    expect(files.some((f) => /^trading_bot_\d{4}-\d{2}-\d{2}\.log$/.test(f))).toBe(true);
    expect(files.some((f) => /^trades_\d{4}-\d{2}-\d{2}\.log$/.test(f))).toBe(true);
    const tradesLog = files
      .filter((f) => f.startsWith('trades_'))
      .map((f) => readFileSync(join(t.logDir, f), 'utf8'))
      .join('');
    expect(tradesLog).toContain('"event":"opened"');
    expect(tradesLog).toContain('"exitReason":"TAKE_PROFIT"');
    const everything = files.map((f) => readFileSync(join(t.logDir, f), 'utf8')).join('') + t.stdout();
    for (const secret of [PASSWORD, API_KEY, API_SECRET, token, token.split('.')[2]!]) {
      expect(everything).not.toContain(secret);
    }
  });

  it('reports health', async () => {
    const health = await api.request('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', checks: { database: true } });
  });
});
