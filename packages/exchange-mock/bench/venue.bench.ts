/**
 * How the simulated venue scales with accounts: 10,000 entries with their OCO exits, then one
 * monitor pass (every exit's status) per new bar. Run with `pnpm bench`; not part of `pnpm test`.
 */
import { VirtualClock } from '@trd/core';
import { createMockExchange, loadReplayCandles } from '../src/index';

const accounts = Number(process.env.ACCOUNTS ?? 10_000);
const candles = loadReplayCandles('btcusdt-1m-2024-09-21');
const clock = new VirtualClock(candles[100]!.openTime);
const exchange = createMockExchange({ clock, feeds: { BTCUSDT: { kind: 'replay', candles } } });
const credentials = (index: number) => ({ apiKey: `user-${index}`, secret: 'bench' });

const price = exchange.currentPrice('BTCUSDT');
const takeProfit = (price * 1.003).toFixed(2);
const stopLoss = (price * 0.995).toFixed(2);
const exitRefs: string[] = [];

let started = performance.now();
for (let index = 0; index < accounts; index++) {
  const account = exchange.account(credentials(index));
  await account.placeMarketOrder({
    symbol: 'BTCUSDT',
    side: 'buy',
    quantity: '0.001',
    clientOrderId: `entry-${index}`,
  });
  const exit = await account.placeExit({
    symbol: 'BTCUSDT',
    side: 'sell',
    quantity: '0.00099',
    takeProfit,
    stopLoss,
    clientOrderId: `exit-${index}`,
  });
  exitRefs.push(exit.exitRef);
}
console.log(`${accounts} entries + exits: ${(performance.now() - started).toFixed(0)} ms`);

for (let bar = 1; bar <= 3; bar++) {
  await clock.advance(60_000);
  started = performance.now();
  let open = 0;
  for (let index = 0; index < accounts; index++) {
    const report = await exchange
      .account(credentials(index))
      .exitStatus({ symbol: 'BTCUSDT', exitRef: exitRefs[index]! });
    if (report.state === 'open') open++;
  }
  console.log(
    `monitor pass after bar ${bar}: ${(performance.now() - started).toFixed(0)} ms (${open} exits open)`,
  );
}
