import {
  createMemoryStore,
  createTradingBot,
  dec,
  defaultTradingConfig,
  roundOrderPrice,
  type TradingBotEvents,
  type VirtualClock,
} from '@trd/core';
import { createScriptedAnalyzer } from '@trd/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalBinance, startLocalBinance, TEST_CREDENTIALS } from './local-binance';

// The engine of @trd/core driving this adapter against the local Binance: the reference bot's flow.
const BOB = {
  apiKey: 'bob-testnet-key-0000000000000000000000000000000000000000000000000',
  secret: 'bob-secret-1111',
};

let local: LocalBinance;
afterEach(() => local?.close());

async function setup() {
  local = await startLocalBinance({ balances: { USDT: '1000' } });
  local.fake.venue.addAccount(BOB.apiKey, BOB.secret, { USDT: '1000' });
  const clock = local.clock as VirtualClock;
  const store = createMemoryStore({ clock });
  await store.saveConfig(defaultTradingConfig('alice', { isActive: true, symbol: 'BTCUSDT' }));
  const price = 62883.95;
  const analyzer = createScriptedAnalyzer({ action: 'hold', confidence: 0 });
  analyzer.script(
    { action: 'buy', confidence: 80, entryPrice: price, stopLoss: price * 0.995, takeProfit: price * 1.003 },
    'alice',
  );
  const bot = createTradingBot({
    marketData: local.exchange.marketData,
    accountFor: (userId) => local.exchange.account(userId === 'bob' ? BOB : TEST_CREDENTIALS),
    analyzer,
    store,
    clock,
    // Answers are scripted per user: the per-user analysis.
    settings: { tradingHours: null, analysisMode: 'personal' },
  });
  const events: { [K in keyof TradingBotEvents]?: TradingBotEvents[K][0][] } = {};
  const record =
    <K extends keyof TradingBotEvents>(name: K) =>
    (event: TradingBotEvents[K][0]) => {
      const list: TradingBotEvents[K][0][] = events[name] ?? [];
      list.push(event);
      events[name] = list as (typeof events)[K];
    };
  bot.on('trade:opened', record('trade:opened'));
  bot.on('trade:closed', record('trade:closed'));
  bot.on('trade:rejected', record('trade:rejected'));
  bot.on('error', record('error'));
  return { bot, store, analyzer, clock, events };
}

describe('the engine on the local Binance', () => {
  it('opens with a market entry and an OCO exit, then records the take profit, net of fees', async () => {
    const { bot, clock, events, store } = await setup();
    expect(await bot.runCycle()).toMatchObject({ opened: 1, errors: 0 });
    const opened = events['trade:opened']?.[0];
    // 1 % risk of 1000 USDT over a 0.5 % stop is capped at 10 % of the balance: 100 USDT, judged
    // at the price plus the risk manager's 0.1 % slippage (100 / (price × 1.001) → 0.00158).
    expect(opened?.trade).toMatchObject({
      userId: 'alice',
      side: 'buy',
      quantity: '0.00158',
      status: 'filled',
    });
    const [entry] = local.fake.server.requests('POST', '/api/v3/order');
    const [oco] = local.fake.server.requests('POST', '/api/v3/orderList/oco');
    expect(entry?.params).toMatchObject({
      side: 'BUY',
      type: 'MARKET',
      quantity: '0.00158',
      newClientOrderId: expect.stringMatching(/^trdE/),
    });
    const rules = await local.exchange.marketData.rules('BTCUSDT');
    const average = opened?.trade.entryPrice as string;
    expect(oco?.params).toMatchObject({
      side: 'SELL',
      quantity: opened?.position.quantity,
      aboveType: 'LIMIT_MAKER',
      abovePrice: roundOrderPrice(rules, dec(average).mul('1.003').toString()),
      belowType: 'STOP_LOSS_LIMIT',
      belowStopPrice: roundOrderPrice(rules, dec(average).mul('0.995').toString()),
    });
    expect(opened?.position.takeProfit).toBe(oco?.params.abovePrice);

    await clock.advance(45_000);
    local.fake.setPrice(
      'BTCUSDT',
      dec(oco?.params.abovePrice as string)
        .plus(1)
        .toString(),
    );
    await bot.monitorPositions();
    const closed = events['trade:closed']?.[0]?.trade;
    expect(closed).toMatchObject({
      exitReason: 'TAKE_PROFIT',
      exitPrice: oco?.params.abovePrice,
      durationSeconds: 45,
    });
    // The P&L is cash: what the account gained in USDT, exactly; the BTC the exit could not sell
    // (below one step after the fee) is the portfolio's dust, charged to this trade.
    const usdt = local.fake.venue.balance(TEST_CREDENTIALS.apiKey, 'USDT').free;
    const dust = dec(local.fake.venue.balance(TEST_CREDENTIALS.apiKey, 'BTC').free);
    expect(closed?.profitLoss).toBe(dec(usdt).minus(1000).toFixed());
    const { dust: holdings } = await store.getPortfolio('alice');
    expect(holdings.map((holding) => dec(holding.quantity).toFixed())).toEqual(
      dust.gt(0) ? [dust.toFixed()] : [],
    );
    expect(events.error ?? []).toEqual([]);
  });

  it('closes by hand: cancels the OCO, sells at market, records MANUAL', async () => {
    const { bot, events } = await setup();
    await bot.runCycle();
    const trade = events['trade:opened']?.[0]?.trade;
    const closed = await bot.closeTrade('alice', trade?.id as string);
    expect(closed).toMatchObject({ exitReason: 'MANUAL', status: 'closed' });
    expect(local.fake.server.requests('DELETE', '/api/v3/orderList')).toHaveLength(1);
    expect(local.fake.server.requests('POST', '/api/v3/order').map((request) => request.params.side)).toEqual(
      ['BUY', 'SELL'],
    );
    expect(local.fake.venue.balance(TEST_CREDENTIALS.apiKey, 'BTC').locked).toBe('0');
  });

  it('turns a sell signal without inventory into a rejection: spot cannot short', async () => {
    const { bot, store, analyzer, events } = await setup();
    await store.saveConfig(defaultTradingConfig('bob', { isActive: true, symbol: 'BTCUSDT' }));
    const price = 62883.95;
    analyzer.script(
      {
        action: 'sell',
        confidence: 80,
        entryPrice: price,
        stopLoss: price * 1.005,
        takeProfit: price * 0.997,
      },
      'bob',
    );
    await bot.runCycle();
    expect(events['trade:rejected']?.[0]).toMatchObject({
      userId: 'bob',
      violations: [{ code: 'NO_INVENTORY' }],
    });
    expect(
      local.fake.ledger.filter((request) => request.apiKey === BOB.apiKey && request.method === 'POST'),
    ).toEqual([]);
  });
});
