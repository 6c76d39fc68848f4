import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from './helpers/api-client';
import { buySignal, startTestServer, type TestServer } from './helpers/test-server';

const TOKEN = 'metrics-token-0123456789abcdef';
const MINUTE = 60_000;

/** The value of one series in Prometheus' text format, e.g. `trd_signals_total{action="buy"}`. */
function seriesValue(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics (Prometheus)', () => {
  let t: TestServer;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    t = await startTestServer({ metricsToken: TOKEN });
    api = apiClient(t.baseUrl);
  }, 90_000);
  afterAll(async () => {
    await t?.close();
  });

  const scrape = async () => {
    const response = await fetch(`${t.baseUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    return response.text();
  };

  it('refuses a scrape without the metrics token, or with a user token, with 401', async () => {
    const alice = await api.register('metrics-alice');
    expect((await api.request('GET', '/metrics')).status).toBe(401);
    expect((await api.request('GET', '/metrics', { token: alice.access_token })).status).toBe(401);
    expect((await api.request('GET', '/metrics', { token: `${TOKEN}x` })).status).toBe(401);
  });

  it('counts what the engine did in a real cycle and what the store holds, with no user id in any label', async () => {
    const bob = await api.register('metrics-bob');
    const carol = await api.register('metrics-carol');
    await api.request('POST', '/trading/start', { token: bob.access_token });
    await api.request('POST', '/trading/start', { token: carol.access_token });
    t.analyzer.script((input) => buySignal(input.market.price, 80), bob.user.id);
    // Under carol's minimum confidence: a risk rejection.
    t.analyzer.script((input) => buySignal(input.market.price, 20), carol.user.id);
    await t.engine.runCycle();
    await t.clock.advance(MINUTE);

    const text = await scrape();
    expect(seriesValue(text, 'trd_cycle_duration_seconds_count')).toBe(1);
    expect(seriesValue(text, 'trd_cycle_users_seen')).toBe(2);
    expect(seriesValue(text, 'trd_signals_total{action="buy"}')).toBe(2);
    expect(seriesValue(text, 'trd_trades_opened_total{symbol="BTCUSDT"}')).toBe(1);
    expect(text).toMatch(/trd_trade_rejections_total\{rule="[A-Z_]+"\} 1/);
    expect(seriesValue(text, 'trd_model_calls_total{analyzer="scripted",outcome="ok"}')).toBe(2);
    expect(seriesValue(text, 'trd_open_positions{protection="protected"}')).toBe(1);
    expect(seriesValue(text, 'trd_open_positions{protection="unprotected"}')).toBe(0);
    expect(seriesValue(text, 'trd_oldest_unprotected_position_seconds')).toBe(0);
    expect(
      seriesValue(
        text,
        'trd_http_request_duration_seconds_count{method="POST",route="/trading/start",status_code="200"}',
      ),
    ).toBe(2);
    for (const id of [bob.user.id, carol.user.id]) expect(text).not.toContain(id);
    expect(text).not.toContain(TOKEN);
  });

  it('reports an unprotected position and how long it has waited', async () => {
    const [position] = await t.store.openPositions();
    await t.store.updatePositionExit(position!.tradeId, { protection: 'unprotected', since: t.clock.now() });
    await t.clock.advance(150_000);
    const text = await scrape();
    expect(seriesValue(text, 'trd_open_positions{protection="unprotected"}')).toBe(1);
    expect(seriesValue(text, 'trd_oldest_unprotected_position_seconds')).toBe(150);
  });
});

describe('GET /metrics without METRICS_TOKEN', () => {
  it('does not exist', async () => {
    const t = await startTestServer();
    try {
      expect((await fetch(`${t.baseUrl}/metrics`)).status).toBe(404);
    } finally {
      await t.close();
    }
  }, 90_000);
});
