import { ConfigError } from '@trd/core';
import { describe, expect, it } from 'vitest';
import { parseMarketRules } from './market-rules-parser';

const symbol = { symbol: 'BTCUSDT', baseAsset: 'BTC', quoteAsset: 'USDT' };
const priceFilter = {
  filterType: 'PRICE_FILTER',
  minPrice: '0.01000000',
  maxPrice: '1000000.00000000',
  tickSize: '0.01000000',
};
const lotSize = {
  filterType: 'LOT_SIZE',
  minQty: '0.00001000',
  maxQty: '9000.00000000',
  stepSize: '0.00001000',
};

describe('parseMarketRules', () => {
  it('reads the legacy MIN_NOTIONAL filter (the 2022 BTCUSDT exchangeInfo)', () => {
    const rules = parseMarketRules({
      ...symbol,
      filters: [
        priceFilter,
        lotSize,
        { filterType: 'MIN_NOTIONAL', minNotional: '10.00000000', applyToMarket: true, avgPriceMins: 5 },
      ],
    });
    expect(rules).toEqual({
      symbol: 'BTCUSDT',
      baseAsset: 'BTC',
      quoteAsset: 'USDT',
      tickSize: '0.01',
      stepSize: '0.00001',
      minQuantity: '0.00001',
      maxQuantity: '9000',
      minNotional: '10',
    });
  });

  it('prefers the current NOTIONAL filter', () => {
    const rules = parseMarketRules({
      ...symbol,
      filters: [
        priceFilter,
        lotSize,
        {
          filterType: 'NOTIONAL',
          minNotional: '5.00000000',
          applyMinToMarket: true,
          maxNotional: '9000000.00000000',
          applyMaxToMarket: false,
          avgPriceMins: 5,
        },
      ],
    });
    expect(rules.minNotional).toBe('5');
  });

  it('refuses a symbol without tick or step', () => {
    expect(() => parseMarketRules({ ...symbol, filters: [priceFilter] })).toThrow(ConfigError);
  });
});
