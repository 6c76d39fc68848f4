import type { AppliedPolicy } from './analysis/performance-policy';
import type { OpenPosition } from './domain/open-position';
import type { RiskViolation } from './domain/risk-violation';
import type { Signal } from './domain/signal';
import type { Trade } from './domain/trade';
import type { AnalysisMode } from './engine/analysis-runner';

/** Why a user was not analysed in a cycle. */
export type SkipReason = 'open_position' | 'cooldown' | 'no_market_data' | 'claimed_elsewhere' | 'busy';

export type EngineStage =
  | 'cycle'
  | 'market_data'
  | 'analysis'
  | 'risk'
  | 'entry'
  | 'monitor'
  | 'close'
  | 'reconcile';

/** The engine's typed events. Every payload that concerns one user carries `userId`. */
export interface TradingBotEvents {
  'cycle:start': [{ cycle: number; at: number; tradingHours: boolean }];
  'cycle:end': [
    {
      cycle: number;
      at: number;
      durationMs: number;
      usersSeen: number;
      analysed: number;
      skipped: Partial<Record<SkipReason, number>>;
      tradingHours: boolean;
    },
  ];
  analysis: [
    {
      userId: string;
      symbol: string;
      analyzer: string;
      /** The signal the user trades on (shared mode: the policy applied). */
      signal: Signal;
      price: number;
      mode: AnalysisMode;
      /** Hash of the input the analyzer saw. */
      inputHash: string;
      /** Shared mode: the performance rules applied for this user. */
      policy?: AppliedPolicy;
      at: number;
    },
  ];
  /** A model call was not made: the budget or the circuit breaker refused it (the users hold). */
  'model:limited': [{ symbol: string; userId?: string; reason: string; until?: number; at: number }];
  'trade:rejected': [
    { userId: string; symbol: string; signal: Signal; violations: RiskViolation[]; at: number },
  ];
  'trade:opened': [{ userId: string; trade: Trade; position: OpenPosition; at: number }];
  'trade:closed': [{ userId: string; trade: Trade; at: number }];
  /** An exit pair now protects the position. */
  'position:protected': [{ userId: string; tradeId: string; exitRef: string; at: number }];
  /**
   * Nothing protects the position (exit not placed yet, refused, cancelled, or its stop triggered
   * without filling): the monitor places the exit or closes at market within one pass.
   */
  'position:unprotected': [{ userId: string; tradeId: string; reason: string; at: number }];
  'position:timeout': [{ userId: string; tradeId: string; openedAt: number; at: number }];
  reconciled: [
    {
      userId: string;
      clientOrderId: string;
      outcome: 'recorded' | 'failed' | 'closed' | 'still_unknown';
      at: number;
    },
  ];
  error: [{ stage: EngineStage; userId?: string; symbol?: string; error: Error; at: number }];
}

export type TradingBotEventName = keyof TradingBotEvents;
