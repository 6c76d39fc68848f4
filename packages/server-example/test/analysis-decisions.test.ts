import type { AnalysisRecord } from '@trd/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from './helpers/api-client';
import { buySignal, startTestServer, type TestServer } from './helpers/test-server';

const MINUTE = 60_000;

describe('GET /trading/analyses: the decision records, on the real PostgreSQL store', () => {
  let t: TestServer;
  let api: ReturnType<typeof apiClient>;
  let alice: { token: string; id: string };
  let bob: { token: string; id: string };

  beforeAll(async () => {
    t = await startTestServer();
    api = apiClient(t.baseUrl);
    const a = await api.register('alice');
    const b = await api.register('bob');
    alice = { token: a.access_token, id: a.user.id };
    bob = { token: b.access_token, id: b.user.id };
  }, 90_000);
  afterAll(async () => {
    await t?.close();
  });

  const get = (token: string, query = '') =>
    api.request('GET', `/trading/analyses${query ? `?${query}` : ''}`, { token });

  it('answers "why did this user buy at that minute": signal, verdict, trade and entry order of a real cycle', async () => {
    await api.request('POST', '/trading/start', { token: alice.token });
    // A hold, a buy below the user's confidence (refused by risk), then a buy that trades.
    t.analyzer.script({ action: 'hold', confidence: 10, reasoning: 'no setup' }, alice.id);
    await t.engine.runCycle();
    await t.clock.advance(MINUTE);
    t.analyzer.script((input) => buySignal(input.market.price, 40), alice.id);
    await t.engine.runCycle();
    await t.clock.advance(MINUTE);
    t.analyzer.script((input) => buySignal(input.market.price, 80), alice.id);
    const boughtAt = t.clock.now();
    await t.engine.runCycle();
    t.analyzer.script({ action: 'hold', confidence: 0 }, alice.id);

    const [position] = (await api.request('GET', '/trading/positions', { token: alice.token })).body
      .positions;
    const response = await get(alice.token);
    expect(response.status).toBe(200);
    const [bought, refused, held] = response.body.analyses;
    expect(response.body.analyses).toHaveLength(3);
    expect(bought).toMatchObject({
      time: boughtAt,
      symbol: 'BTCUSDT',
      mode: 'personal',
      analyzer: 'scripted',
      model: { name: 'scripted', version: null },
      inputHash: expect.stringMatching(/^[0-9a-z]+$/),
      action: 'buy',
      confidence: 80,
      signal: { action: 'buy', confidence: 80, reasoning: 'scripted buy for the test' },
      modelSignal: { action: 'buy', confidence: 80 },
      policy: null,
      verdict: { outcome: 'approved', violations: [] },
      tradeId: position.tradeId,
      clientOrderId: expect.stringMatching(/^trdE/),
    });
    expect(bought.verdict.reason).toContain(position.tradeId);
    // The entry order at the venue carries the record's client order id.
    const trade = (await api.request('GET', '/trading/trades', { token: alice.token })).body.trades[0];
    expect(trade).toMatchObject({ id: position.tradeId, clientOrderId: bought.clientOrderId });
    expect(refused).toMatchObject({
      action: 'buy',
      confidence: 40,
      verdict: { outcome: 'rejected', violations: ['LOW_CONFIDENCE'] },
      tradeId: null,
      clientOrderId: null,
    });
    expect(refused.verdict.reason).toContain('LOW_CONFIDENCE');
    expect(held).toMatchObject({ action: 'hold', verdict: { outcome: 'hold', reason: 'no setup' } });
    expect(held.inputHash).not.toBe(bought.inputHash);
  });

  it('shows a shared-mode decision whole: model version, raw answer, usage and the policy applied', async () => {
    const record: AnalysisRecord = {
      id: `analysis-${alice.id}-shared-1`,
      userId: alice.id,
      symbol: 'ETHUSDT',
      analyzer: 'gemini:gemini-2.5-flash',
      signal: { action: 'buy', confidence: 71, entryPrice: 3000, stopLoss: 2985, takeProfit: 3009 },
      price: 3000,
      mode: 'shared',
      inputHash: '1k2j3h4g5f6d',
      modelSignal: {
        action: 'buy',
        confidence: 86,
        entryPrice: 3000,
        stopLoss: 2985,
        takeProfit: 3009,
        reasoning: 'RSI turning up from 31, MACD crossing',
        usage: {
          model: 'gemini-2.5-flash-preview-09-2025',
          latencyMs: 812,
          inputTokens: 1131,
          outputTokens: 49,
          totalTokens: 1180,
          costUsd: 0.000462,
          rawAnswer: '{"signal":"buy","confidence":86}',
        },
      },
      policy: {
        requiredConfidence: 86,
        confidenceAdjustment: -15,
        caution: false,
        reasons: ['losing streak of 2 (trend losing): confidence -15'],
      },
      verdict: { approved: false, violations: ['LOW_CONFIDENCE'] },
      createdAt: t.clock.now() - 10 * MINUTE,
    };
    await t.store.recordAnalysis(record);
    const response = await get(alice.token, 'symbol=ETHUSDT');
    expect(response.status).toBe(200);
    expect(response.body.analyses).toEqual([
      {
        id: record.id,
        time: record.createdAt,
        createdAt: record.createdAt,
        symbol: 'ETHUSDT',
        mode: 'shared',
        analyzer: 'gemini:gemini-2.5-flash',
        model: { name: 'gemini:gemini-2.5-flash', version: 'gemini-2.5-flash-preview-09-2025' },
        inputHash: '1k2j3h4g5f6d',
        price: 3000,
        action: 'buy',
        confidence: 71,
        signal: { action: 'buy', confidence: 71, entryPrice: 3000, stopLoss: 2985, takeProfit: 3009 },
        modelSignal: {
          action: 'buy',
          confidence: 86,
          entryPrice: 3000,
          stopLoss: 2985,
          takeProfit: 3009,
          reasoning: 'RSI turning up from 31, MACD crossing',
        },
        rawAnswer: '{"signal":"buy","confidence":86}',
        usage: { latencyMs: 812, inputTokens: 1131, outputTokens: 49, totalTokens: 1180, costUsd: 0.000462 },
        policy: record.policy,
        verdict: {
          outcome: 'rejected',
          violations: ['LOW_CONFIDENCE'],
          reason: 'risk rejected: LOW_CONFIDENCE',
        },
        tradeId: null,
        clientOrderId: null,
      },
    ]);
    expect(response.body.nextBefore).toBeNull();
  });

  it('pages newest first with nextBefore, every record once, and takes a time as before', async () => {
    const carol = await api.register('carol');
    const base = t.clock.now() - 60 * MINUTE;
    // 23 records, some sharing a time, on two symbols.
    const records: AnalysisRecord[] = Array.from({ length: 23 }, (_, i) => ({
      id: `analysis-${carol.user.id}-${String(i).padStart(2, '0')}`,
      userId: carol.user.id,
      symbol: i % 3 === 0 ? 'ETHUSDT' : 'BTCUSDT',
      analyzer: 'scripted',
      signal: { action: 'hold', confidence: 0, reasoning: `record ${i}` },
      price: 60_000,
      createdAt: base + Math.floor(i / 2) * MINUTE,
    }));
    await t.store.recordAnalyses(records);
    const newestFirst = [...records].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));

    const seen: string[] = [];
    let query = 'limit=10';
    for (let pages = 0; pages < 5; pages++) {
      const page = await get(carol.access_token, query);
      expect(page.status).toBe(200);
      expect(page.body.limit).toBe(10);
      seen.push(...page.body.analyses.map((a: { id: string }) => a.id));
      if (page.body.nextBefore === null) break;
      query = `limit=10&before=${encodeURIComponent(page.body.nextBefore)}`;
    }
    expect(seen).toEqual(newestFirst.map((record) => record.id));

    // "What did the engine decide before 10 minutes past base?": a time as the cursor.
    const beforeTime = await get(carol.access_token, `before=${base + 5 * MINUTE}&symbol=ETHUSDT`);
    expect(beforeTime.body.analyses.map((a: { id: string }) => a.id)).toEqual(
      newestFirst
        .filter((record) => record.createdAt < base + 5 * MINUTE && record.symbol === 'ETHUSDT')
        .map((record) => record.id),
    );
    expect(beforeTime.body.analyses.length).toBeGreaterThan(0);
  });

  it("never shows one user another's decisions, even with their cursor", async () => {
    const aliceAll = await get(alice.token, 'limit=100');
    expect(aliceAll.body.analyses.length).toBeGreaterThan(0);
    const bobAll = await get(bob.token, 'limit=100');
    expect(bobAll.body).toEqual({ analyses: [], limit: 100, nextBefore: null });
    // Alice's cursor in Bob's hands pages Bob's records (none), not Alice's.
    const firstPage = await get(alice.token, 'limit=1');
    const withCursor = await get(bob.token, `before=${encodeURIComponent(firstPage.body.nextBefore)}`);
    expect(withCursor.status).toBe(200);
    expect(withCursor.body.analyses).toEqual([]);
    expect(JSON.stringify([bobAll.body, withCursor.body])).not.toContain(alice.id);
    expect((await api.request('GET', '/trading/analyses')).status).toBe(401);
  });

  it('refuses bad query parameters with a 400 naming the field', async () => {
    const cases: [string, string][] = [
      ['limit=0', 'querystring.limit'],
      ['limit=101', 'querystring.limit'],
      ['limit=ten', 'querystring.limit'],
      ['limit=2.5', 'querystring.limit'],
      ['before=yesterday', 'querystring.before'],
      ['before=-5', 'querystring.before'],
      ['before=1700000000000.%2B%2F', 'querystring.before'],
      // Base64url that this server never makes (it does not round-trip).
      ['before=1700000000000.a', 'querystring.before'],
      ['symbol=btcusdt', 'querystring.symbol'],
      [`symbol=${encodeURIComponent("BTC'; drop table analysis_records; --")}`, 'querystring.symbol'],
      ['sort=asc', 'querystring'],
    ];
    for (const [query, field] of cases) {
      const response = await get(alice.token, query);
      expect(response.status, query).toBe(400);
      expect(
        response.body.issues.map((issue: { field: string }) => issue.field),
        query,
      ).toContain(field);
    }
    // The table is still there.
    expect((await get(alice.token)).status).toBe(200);
  });

  it('is in the OpenAPI document with its query parameters and the decision record', async () => {
    const spec = (await api.request('GET', '/docs/json')).body;
    const route = spec.paths['/trading/analyses'].get;
    expect(route.parameters.map((p: { name: string }) => p.name).sort()).toEqual([
      'before',
      'limit',
      'symbol',
    ]);
    const record = route.responses['200'].content['application/json'].schema.properties.analyses.items;
    for (const field of [
      'time',
      'symbol',
      'mode',
      'model',
      'inputHash',
      'rawAnswer',
      'modelSignal',
      'policy',
      'verdict',
      'tradeId',
      'clientOrderId',
    ])
      expect(record.properties, field).toHaveProperty(field);
  });
});
