import type { DecimalString, DustHolding, RiskViolationCode, Trade, TradingHours } from '@trd/core';
import type { TradeStatistics } from './trade-statistics';

/** One point of a user's mark-to-market equity: after the bar that closed at `time` (Unix ms). */
export interface EquityPoint {
  time: number;
  /** Quote balance (free + locked) + base balance × the bar's close, in quote units. */
  equity: DecimalString;
}

/** One user's report: what ran, the statistics, then every closed trade. Money as exact decimal strings. */
export interface BacktestReport extends TradeStatistics {
  userId: string;
  symbol: string;
  quoteAsset: string;
  analyzer: string;
  /** Open times of the first and last bar stepped over. */
  period: { from: string; to: string };
  /** Candles whose open time lies in the period. */
  bars: number;
  /** Engine steps run (one a minute, each at a bar's close). */
  steps: number;
  tradingHours: TradingHours | null;
  /** This user's analyses by action. */
  signals: { buy: number; sell: number; hold: number };
  /** This user's signals the risk manager refused. */
  rejected: number;
  /** The opt-in fee-aware rule's minimum (`null`: off), and refusals by rule (a signal may break several). */
  riskRules: {
    minRewardToRiskAfterFees: string | null;
    rejectedByCode: Partial<Record<RiskViolationCode, number>>;
  };
  /** Positions still open after the last bar, closed at market (exit reason MANUAL). */
  closedAtEnd: number;
  /** The engine's `error` events for this user or for no user in particular. */
  errors: { stage: string; message: string; at: number }[];
  /**
   * The venue's quote balance at the end (free + locked): the account's real final balance. With
   * cash P&L it equals `finalEquity` to the last unit; the text report says so when it does not.
   */
  finalBalance: DecimalString;
  /** Base asset left below one step by the exits, with its (already charged) cost. */
  dust: DustHolding[];
  /** Closed trades by opening time: entry and exit prices, fees, times (Unix ms) and exit reasons. */
  trades: Trade[];
  /** With `equity: 'bar'`: equity after every bar; otherwise empty (see `equityCurve` for per-trade). */
  equityByBar: EquityPoint[];
}
