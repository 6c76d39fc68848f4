import { Decimal } from '@trd/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BinanceServer, keysOf, signUp, startBinanceServer } from './helpers/binance-server';
import { buySignal } from './helpers/test-server';

// Issue 18: a paper user and a live user on one Binance server, the same engine and prices. The
// paper user's orders stay on the simulated venue; both portfolios add up exactly.
const ALICE = keysOf('alice');
const STARTING_PAPER_USDT = '5000';

let t: BinanceServer;
let alice: { token: string; id: string };
let bob: { token: string; id: string };
beforeAll(async () => {
  t = await startBinanceServer({
    accounts: [{ ...ALICE, balances: { USDT: '1000', BTC: '0' } }],
    env: { STARTING_BALANCE_USDT: STARTING_PAPER_USDT },
  });
  alice = await signUp(t, 'alice', ALICE); // live, confirmed
  bob = await signUp(t, 'bob'); // paper: a new user's mode
});
afterAll(() => t?.close({ everything: true }));

const portfolio = async (token: string) => (await t.api.request('GET', '/portfolio', { token })).body;
const tradesOf = async (userId: string) =>
  (await t.runtime.store.listTrades(userId, { limit: 10, offset: 0 })).trades;

describe('paper and live users on one server', () => {
  it('shows each mode; live needs confirm: true; paper needs nothing', async () => {
    expect((await t.api.request('GET', '/account', { token: bob.token })).body).toMatchObject({
      tradingMode: 'paper',
      liveVenue: 'binance-testnet',
      hasExchangeCredentials: false,
    });
    expect((await t.api.request('GET', '/account', { token: alice.token })).body.tradingMode).toBe('live');
    const unconfirmed = await t.api.request('PUT', '/account/trading-mode', {
      token: alice.token,
      body: { mode: 'paper' },
    });
    expect(unconfirmed.status).toBe(200);
    const noConfirm = await t.api.request('PUT', '/account/trading-mode', {
      token: alice.token,
      body: { mode: 'live' },
    });
    expect(noConfirm.status).toBe(400);
    expect(noConfirm.body.issues).toEqual([
      { field: 'body.confirm', message: expect.stringMatching(/confirm: true/) },
    ]);
    const bad = await t.api.request('PUT', '/account/trading-mode', {
      token: alice.token,
      body: { mode: 'margin' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].field).toBe('body.mode');
    const live = await t.api.request('PUT', '/account/trading-mode', {
      token: alice.token,
      body: { mode: 'live', confirm: true },
    });
    expect(live.body).toMatchObject({ tradingMode: 'live' });
  });

  it('trades both on the same prices; only the live order reaches Binance; both portfolios exact', async () => {
    for (const user of [alice, bob]) {
      expect((await t.api.request('POST', '/trading/start', { token: user.token })).status).toBe(200);
    }
    const price = await t.runtime.exchange.marketData.price('BTCUSDT');
    t.analyzer.script(buySignal(price));
    expect(await t.runtime.engine.runCycle()).toMatchObject({ opened: 2, errors: 0 });

    // Both were analysed on the same market: Binance's candles, whatever their mode.
    const inputs = t.analyzer.inputs.slice(-2);
    expect(inputs.map((input) => input.userId).sort()).toEqual([alice.id, bob.id].sort());
    expect(inputs[0]!.market).toEqual(inputs[1]!.market);

    const [aliceTrade] = await tradesOf(alice.id);
    const [bobTrade] = await tradesOf(bob.id);
    // Bob's entry filled on paper at Binance's last price; Alice's at Binance (last price, half a tick worse).
    expect(Number(bobTrade!.entryPrice)).toBe(price);
    expect(Math.abs(Number(aliceTrade!.entryPrice) - price)).toBeLessThan(0.02);
    const orders = t.fake.server.requests('POST', '/api/v3/order');
    expect(orders.map((order) => [order.apiKey, order.params.newClientOrderId])).toEqual([
      [ALICE.apiKey, aliceTrade!.clientOrderId],
    ]);

    // The market rises past both take profits: Binance fills Alice's OCO, the paper venue Bob's.
    t.fake.setPrice('BTCUSDT', (price * 1.01).toFixed(2));
    // The adapter reuses a ticker price for up to a second (priceMaxAgeMs): let it go stale.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await t.runtime.engine.monitorPositions()).toMatchObject({ closed: 2 });
    const [aliceClosed] = await tradesOf(alice.id);
    const [bobClosed] = await tradesOf(bob.id);
    expect([aliceClosed!.exitReason, bobClosed!.exitReason]).toEqual(['TAKE_PROFIT', 'TAKE_PROFIT']);
    // Each at its own take profit (set from its own entry fill): within a tick of each other.
    expect(bobClosed!.exitPrice).toBe(bobClosed!.takeProfit);
    expect(aliceClosed!.exitPrice).toBe(aliceClosed!.takeProfit);
    expect(Math.abs(Number(bobClosed!.exitPrice) - Number(aliceClosed!.exitPrice))).toBeLessThan(0.02);

    // Nothing of Bob's ever reached Binance; every signed request was Alice's.
    const bobIds = [bobClosed!.clientOrderId];
    for (const entry of t.fake.ledger) {
      if (entry.params.signature) expect(entry.apiKey).toBe(ALICE.apiKey);
      for (const id of bobIds) expect(JSON.stringify(entry.params)).not.toContain(id);
    }

    // Exact portfolios: each venue's quote balance is the start plus the realized P&L.
    const alicePortfolio = await portfolio(alice.token);
    const bobPortfolio = await portfolio(bob.token);
    const quote = (body: { balances: { asset: string; free: string; locked: string }[] }) => {
      const usdt = body.balances.find((balance) => balance.asset === 'USDT')!;
      return new Decimal(usdt.free).plus(usdt.locked);
    };
    expect(quote(alicePortfolio).minus(1000).toFixed()).toBe(
      new Decimal(alicePortfolio.stats.totalRealizedPnl).toFixed(),
    );
    expect(quote(bobPortfolio).minus(STARTING_PAPER_USDT).toFixed()).toBe(
      new Decimal(bobPortfolio.stats.totalRealizedPnl).toFixed(),
    );
    expect(new Decimal(t.fake.venue.balance(ALICE.apiKey, 'USDT').free).equals(quote(alicePortfolio))).toBe(
      true,
    );
    // (The dust an exit leaves is charged to the trade that left it: Binance takes the entry's fee
    // in BTC, so Alice's take profit nets less than Bob's; both are what their venue holds.)
    for (const body of [alicePortfolio, bobPortfolio]) expect(body.stats.totalTrades).toBe(1);
  });

  it('refuses a switch while a position is open on the other venue (409)', async () => {
    const price = await t.runtime.exchange.marketData.price('BTCUSDT');
    t.analyzer.script(buySignal(price), bob.id);
    t.analyzer.script({ action: 'hold', confidence: 0 }, alice.id);
    expect(await t.runtime.engine.runCycle()).toMatchObject({ opened: 1 });
    const switching = await t.api.request('PUT', '/account/trading-mode', {
      token: bob.token,
      body: { mode: 'live', confirm: true },
    });
    expect(switching.status).toBe(409);
    expect(switching.body.message).toMatch(/open position/);
  });
});
