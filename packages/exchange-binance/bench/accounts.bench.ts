/**
 * What an account costs: the engine asks for a user's account whenever it needs one, so with
 * thousands of users `exchange.account()` must stay cheap (it shares one ccxt client). Makes no
 * request. Run with `pnpm bench`; not part of `pnpm test`.
 */
import { createBinanceExchange } from '../src/index';

const accounts = Number(process.env.ACCOUNTS ?? 10_000);
const exchange = createBinanceExchange({
  fetch: async () => {
    throw new Error('the benchmark makes no request');
  },
});

const heapBefore = process.memoryUsage().heapUsed;
const started = performance.now();
const created = [];
for (let index = 0; index < accounts; index++) {
  created.push(exchange.account({ apiKey: `user-${index}-key`, secret: `user-${index}-secret` }));
}
const elapsed = performance.now() - started;
const heapAfter = process.memoryUsage().heapUsed;

console.log(
  `${accounts} accounts: ${(elapsed / accounts).toFixed(3)} ms and ${((heapAfter - heapBefore) / accounts / 1024).toFixed(1)} kB each (held: ${created.length})`,
);
