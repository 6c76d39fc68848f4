import type { Clock } from '../clock/clock';
import type { TradingBotEvents } from '../events';
import type { Analyzer } from '../ports/analyzer';
import type { MarketData } from '../ports/market-data';
import type { Store } from '../ports/store';
import type { TradingAccount } from '../ports/trading-account';
import type { RiskManager } from '../risk/risk-manager';
import type { ModelBudget } from './model-budget';
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
  /** The model budget and circuit breaker every analyzer call goes through. */
  readonly modelBudget: ModelBudget;
  readonly instanceId: string;
  readonly emit: <K extends keyof TradingBotEvents>(event: K, ...args: TradingBotEvents[K]) => void;
  /** Client order ids of intents this process is working on now: reconciliation leaves them alone. */
  readonly inFlight: Set<string>;
  /** Trades being closed right now in this process: a second close of the same trade is refused. */
  readonly closing: Set<string>;
  /** Users this process believes it holds a claim on (what a fair-share cycle may release). */
  readonly held: Set<string>;
}

/**
 * The users this engine may act on: all of them, or those it holds a claim on when the store
 * shares users. Also marks this engine live when the store counts live engines (`liveOwners`).
 */
export async function claimedUsers(context: EngineContext, userIds: readonly string[]): Promise<Set<string>> {
  const { store, instanceId, settings } = context;
  const unique = [...new Set(userIds)];
  if (!store.claimUsers) return new Set(unique);
  if (store.liveOwners) await store.liveOwners(instanceId, settings.claimTtlMs);
  if (unique.length === 0) return new Set();
  const claimed = new Set(await store.claimUsers(instanceId, unique, settings.claimTtlMs));
  noteClaims(context, unique, claimed);
  return claimed;
}

/**
 * The cycle's claim when the store counts live engines: this engine's fair share,
 * `ceil(users / live engines)`, keeping the users it holds (those in `keep` first: users with an
 * open position, an unfinished intent or work in progress). Held users beyond the share are
 * released, except those in `keep` (their work finishes here; the monitor keeps their claim), so
 * a new engine finds free users within a cycle or two and no user is ever held by two engines.
 * Stores without `liveOwners` get the plain claim of `claimedUsers`.
 */
export async function claimFairShare(
  context: EngineContext,
  userIds: readonly string[],
  keep: ReadonlySet<string>,
): Promise<Set<string>> {
  const { store, instanceId, settings } = context;
  if (!store.claimUsers || !store.liveOwners) return claimedUsers(context, userIds);
  const unique = [...new Set(userIds)];
  const engines = Math.max(1, await store.liveOwners(instanceId, settings.claimTtlMs));
  if (unique.length === 0) return new Set();
  const share = Math.ceil(unique.length / engines);
  const ordered = [...unique.filter((id) => keep.has(id)), ...unique.filter((id) => !keep.has(id))];
  const claimed = new Set(
    await store.claimUsers(instanceId, ordered, settings.claimTtlMs, { maxUsers: share }),
  );
  const surplus = unique.filter((id) => context.held.has(id) && !claimed.has(id) && !keep.has(id));
  if (surplus.length > 0 && store.releaseUsers) {
    await store.releaseUsers(instanceId, surplus);
    for (const id of surplus) context.held.delete(id);
  }
  noteClaims(
    context,
    unique.filter((id) => !keep.has(id) || claimed.has(id)),
    claimed,
  );
  return claimed;
}

/** Keeps `held` in step with a claim's answer: asked and returned → held; asked and refused → not. */
function noteClaims(context: EngineContext, asked: readonly string[], claimed: ReadonlySet<string>): void {
  for (const id of asked) {
    if (claimed.has(id)) context.held.add(id);
    else context.held.delete(id);
  }
}

export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
