import { readFileSync } from 'node:fs';
import { type Candle, parseCandleCsv } from '@trd/core';

const MINUTE = 60_000;

/**
 * 43,200 consecutive 1m bars (30 days): the 20 real days of fixtures/btc-usd-perp-1m-2022-01-01_20.csv,
 * then its first 10 days again, shifted in time and scaled so the price carries on where it stopped.
 */
export function monthOfCandles(): Candle[] {
  const url = new URL('../fixtures/btc-usd-perp-1m-2022-01-01_20.csv', import.meta.url);
  const real = parseCandleCsv(readFileSync(url, 'utf8'));
  const month: Candle[] = [...real];
  const scale = real.at(-1)!.close / real[0]!.open;
  const round = (value: number) => Math.round(value * scale * 100) / 100;
  for (let i = 0; month.length < 43_200; i++) {
    const bar = real[i]!;
    month.push({
      openTime: real.at(-1)!.openTime + (i + 1) * MINUTE,
      open: round(bar.open),
      high: round(bar.high),
      low: round(bar.low),
      close: round(bar.close),
      volume: bar.volume,
    });
  }
  return month;
}
