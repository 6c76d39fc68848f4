import type {
  Analyzer,
  Candle,
  DecimalString,
  EngineSettingsInput,
  MarketRules,
  RiskManager,
  TradingConfig,
  TradingHours,
} from '@trd/core';

/** One user of a backtest: their own account at the simulated venue and their own config. */
export interface BacktestUser {
  /** The user id in the store and the engine's events. */
  id: string;
  /** The market the user trades; one of `markets`. */
  symbol: string;
  /** Starting balance in the symbol's quote asset, e.g. `"10000"`. */
  startingBalance: DecimalString;
  /** The user's trading settings (risk, TP/SL…); default the reference bot's. */
  config?: Partial<Omit<TradingConfig, 'userId' | 'symbol' | 'isActive'>>;
}

export interface BacktestOptions {
  /** 1m candles per symbol, strictly ascending; all of them are history the engine may see once closed. */
  markets: Readonly<Record<string, readonly Candle[]>>;
  users: readonly BacktestUser[];
  /** Any analyzer: core's technical one, a model adapter (with an answer cache), your own. */
  analyzer: Analyzer;
  /** Open time of the first bar stepped over (Unix ms); default: the bar that completes every market's candle window. */
  from?: number | null;
  /** Open time of the last bar stepped over (Unix ms); default the last bar every market has. */
  to?: number | null;
  /** Default the engine's (08:00–16:00 UTC); `null` trades around the clock. */
  tradingHours?: TradingHours | null;
  /** The engine's other settings (analysis mode, timeout, candle window…); default the reference bot's. */
  settings?: Omit<EngineSettingsInput, 'tradingHours'>;
  /** Default `new RiskManager()` with the reference limits. */
  riskManager?: RiskManager;
  /** Venue rules per symbol over Binance-like defaults (tick, step, minimum notional). */
  rules?: Readonly<Record<string, Partial<Omit<MarketRules, 'symbol'>>>>;
  /** Fee rate of every fill; default `0.001` (0.1%, Binance's base rate). */
  feeRate?: DecimalString;
  /** Market orders fill this many basis points worse than the last price; default 0. */
  slippageBps?: number;
  /**
   * `bar`: each user's mark-to-market equity after every bar (quote + base at the bar's close), in
   * `equityByBar`; `trade` (default): the realized equity after each closed trade only (cheaper).
   */
  equity?: 'bar' | 'trade';
  /** Analysis records the store keeps per user (the newest); default 1,000. Trades are always all kept. */
  keepAnalyses?: number;
  /** Called after each bar with the bars done and the total (progress bars). */
  onProgress?: (done: number, total: number) => void;
}
