import type { Clock } from '../clock/clock';
import type { TradingBotEvents } from '../events';
import type { Analyzer } from '../ports/analyzer';
import type { MarketData } from '../ports/market-data';
import type { Store } from '../ports/store';
import type { TradingAccount } from '../ports/trading-account';
import type { RiskManager } from '../risk/risk-manager';
import type { EngineSettings } from './settings';

/** What every part of the engine works with: the injected ports, the settings and the event sink. */
export interface EngineContext {
  readonly marketData: MarketData;
  readonly accountFor: (userId: string) => Promise<TradingAccount>;
  readonly analyzer: Analyzer;
  readonly store: Store;
  readonly clock: Clock;
  readonly riskManager: RiskManager;
  readonly settings: EngineSettings;
  readonly instanceId: string;
  readonly emit: <K extends keyof TradingBotEvents>(event: K, ...args: TradingBotEvents[K]) => void;
  /** Client order ids of intents this process is working on now: reconciliation leaves them alone. */
  readonly inFlight: Set<string>;
  /** Trades being closed right now in this process: a second close of the same trade is refused. */
  readonly closing: Set<string>;
}

/** The users this engine may act on: all of them, or those it holds a claim on when the store shares users. */
export async function claimedUsers(context: EngineContext, userIds: readonly string[]): Promise<Set<string>> {
  const unique = [...new Set(userIds)];
  if (!context.store.claimUsers || unique.length === 0) return new Set(unique);
  return new Set(await context.store.claimUsers(context.instanceId, unique, context.settings.claimTtlMs));
}

export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
