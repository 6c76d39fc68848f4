import { existsSync, readFileSync } from 'node:fs';
import { type Candle, ConfigError, parseCandleCsv } from '@trd/core';

/** The real 1m candle slices shipped in the package's `fixtures/` folder (see fixtures/README.md). */
export const replayFixtureNames = [
  'btcusdt-1m-2024-09-21',
  'ethusdt-1m-2022-08-15',
  'btcusd-perp-1m-2022-01-05',
] as const;
export type ReplayFixtureName = (typeof replayFixtureNames)[number];

/** Reads a shipped fixture (`open_time_ms,open,high,low,close,volume`) into candles, ascending. */
export function loadReplayCandles(name: ReplayFixtureName): Candle[] {
  if (!(replayFixtureNames as readonly string[]).includes(name)) {
    throw new ConfigError(`unknown replay fixture "${name}"; known: ${replayFixtureNames.join(', ')}`);
  }
  // From src/feeds/ (sources) or dist/ (the build) the fixtures folder sits at a different depth.
  const candidates = [`../../fixtures/${name}.csv`, `../fixtures/${name}.csv`].map(
    (path) => new URL(path, import.meta.url),
  );
  const url = candidates.find((candidate) => existsSync(candidate));
  if (!url) throw new ConfigError(`replay fixture "${name}" is missing from the package's fixtures folder`);
  return parseCandleCsv(readFileSync(url, 'utf8'));
}

/** Core's candle CSV parser, kept under this package's name too. */
export { parseCandleCsv } from '@trd/core';
