import { computeIndicators } from '../analysis/indicators';
import { summarizeMarket } from '../analysis/market-summary';
import type { IndicatorSnapshot, MarketSummary } from '../domain/analysis-input';
import type { Candle } from '../domain/candle';
import { ExchangeUnavailableError } from '../errors';
import { forEachWithConcurrency } from './concurrency';
import { asError, type EngineContext } from './engine-context';

/** One symbol's market for one cycle, shared by every user trading it. */
export interface MarketSnapshot {
  symbol: string;
  candles: readonly Candle[];
  indicators: IndicatorSnapshot;
  market: MarketSummary;
  /** Last close, quote units. */
  price: number;
}

/**
 * Fetches candles ONCE PER SYMBOL and derives indicators and the summary. A symbol whose data
 * cannot be fetched is reported as an 'error' event and left out; its users are skipped.
 */
export async function loadMarketSnapshots(
  context: EngineContext,
  symbols: readonly string[],
): Promise<Map<string, MarketSnapshot>> {
  const snapshots = new Map<string, MarketSnapshot>();
  await forEachWithConcurrency(symbols, context.settings.analysisConcurrency, async (symbol) => {
    try {
      const candles = await context.marketData.candles(symbol, {
        interval: '1m',
        limit: context.settings.candleLimit,
      });
      const last = candles.at(-1);
      if (!last) throw new ExchangeUnavailableError(`no candles for ${symbol}`);
      snapshots.set(symbol, {
        symbol,
        candles,
        indicators: computeIndicators(candles),
        market: summarizeMarket(symbol, candles),
        price: last.close,
      });
    } catch (error) {
      context.emit('error', { stage: 'market_data', symbol, error: asError(error), at: context.clock.now() });
    }
  });
  return snapshots;
}
