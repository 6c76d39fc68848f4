// A consumer of the published packages, type-checked by `pnpm test:pack` under NodeNext and bundler
// resolution (strict, noUncheckedIndexedAccess) and run from the installed tarballs. Third-party
// typings are not ours to check (skipLibCheck, as most apps): the IsAny checks below catch a type of
// ours that no longer resolves.

import { createGeminiAnalyzer } from '@trd/ai-gemini';
import type { FakeGeminiServer } from '@trd/ai-gemini/testing';
import { createAiSdkAnalyzer } from '@trd/ai-sdk';
import type { FakeOpenAiServer } from '@trd/ai-sdk/testing';
import {
  type Analyzer,
  ConflictError,
  createMemoryStore,
  createTechnicalAnalyzer,
  createTradingBot,
  type Decimal,
  dec,
  defaultTradingConfig,
  type TradingConfig,
  TrdError,
  VirtualClock,
} from '@trd/core';
import { buildAnalysisPrompt, computeIndicators } from '@trd/core/analysis';
import { createMemoryAnswerCache } from '@trd/core/model-calls';
import type { runExchangeConformance } from '@trd/core/testing';
import { createBinanceExchange } from '@trd/exchange-binance';
import { createMockExchange } from '@trd/exchange-mock';
import { createPostgresStore } from '@trd/store-postgres';

type IsAny<T> = 0 extends 1 & T ? true : false;
type Expect<T extends false> = T;

// No `any` leaks into the public types a consumer meets first.
export type DecimalIsTyped = Expect<IsAny<Decimal>>;
export type ConfigIsTyped = Expect<IsAny<TradingConfig>>;
export type AnalyzerIsTyped = Expect<IsAny<Analyzer>>;
export type ConformanceIsTyped = Expect<IsAny<typeof runExchangeConformance>>;
export type FakesAreTyped = Expect<IsAny<FakeOpenAiServer | FakeGeminiServer>>;

const total: Decimal = dec('0.1').plus('0.2');
const asString: string = total.toFixed();
// @ts-expect-error a Decimal is not a number (this line errors only if Decimal is typed)
const asNumber: number = total;

const clock = new VirtualClock(Date.UTC(2024, 8, 21, 9, 0));
const exchange = createMockExchange({
  clock,
  feeds: { BTCUSDT: { kind: 'random-walk', seed: 7, startPrice: 60_000, volatility: 0.001 } },
});
const store = createMemoryStore({ clock });
const bot = createTradingBot({
  marketData: exchange.marketData,
  accountFor: (userId) => exchange.account({ apiKey: userId, secret: 'paper' }),
  analyzer: createTechnicalAnalyzer(),
  store,
  clock,
});
await store.saveConfig(defaultTradingConfig('alice', { symbol: 'BTCUSDT', isActive: true }));
await bot.runCycle();

const error: unknown = new ConflictError('already there');
if (!TrdError.isInstance(error) || !ConflictError.isInstance(error)) throw new Error('error markers');

// Factories are importable and typed; nothing trades or connects at import time.
const factories = [createAiSdkAnalyzer, createGeminiAnalyzer, createBinanceExchange, createPostgresStore];
if (factories.some((factory) => typeof factory !== 'function')) throw new Error('a factory is missing');
if (typeof createMemoryAnswerCache !== 'function') throw new Error('model-calls entry');
if (typeof buildAnalysisPrompt !== 'function' || computeIndicators([]).rsi !== null)
  throw new Error('analysis entry');

console.log('consumer ok', asString, typeof asNumber);
