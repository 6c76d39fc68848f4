import type { OpenPosition } from '../domain/open-position';
import { TrdError } from '../errors';
import type { ExitReport, TradingAccount } from '../ports/trading-account';
import { forEachWithConcurrency } from './concurrency';
import { asError, claimedUsers, type EngineContext } from './engine-context';
import { closeAtMarket, closeFromExitFill } from './position-closer';
import { protectPosition } from './position-protection';
import { reconcileIntents } from './reconciler';

export interface MonitorReport {
  /** Open positions checked. */
  checked: number;
  /** Trades closed in this pass, by any reason. */
  closed: number;
  /** Positions force-closed after positionTimeoutMs. */
  timedOut: number;
  errors: number;
}

/**
 * One pass of the position monitor, in and out of trading hours: unfinished intents are settled
 * first, then every open position: one open longer than positionTimeoutMs is closed at market
 * (TIMEOUT); a protected one whose leg filled closes (TAKE_PROFIT / STOP_LOSS), whose stop
 * triggered without filling or whose exit was cancelled is closed at market (STOP_UNFILLED,
 * EXIT_CANCELLED); an unprotected one is protected or closed at market (`protectPosition`).
 */
export async function monitorOpenPositions(
  context: EngineContext,
  options: { settleIntents?: boolean } = {},
): Promise<MonitorReport> {
  const report: MonitorReport = { checked: 0, closed: 0, timedOut: 0, errors: 0 };
  if (options.settleIntents !== false) await reconcileIntents(context);
  const all = await context.store.openPositions();
  const claimed = await claimedUsers(
    context,
    all.map((position) => position.userId),
  );
  const positions = all.filter(
    (position) => claimed.has(position.userId) && !context.closing.has(position.tradeId),
  );
  await forEachWithConcurrency(positions, context.settings.analysisConcurrency, async (position) => {
    report.checked++;
    try {
      const outcome = await checkPosition(context, position);
      if (outcome !== 'open') report.closed++;
      if (outcome === 'timeout') report.timedOut++;
    } catch (error) {
      report.errors++;
      context.emit('error', {
        stage: 'monitor',
        userId: position.userId,
        symbol: position.symbol,
        error: asError(error),
        at: context.clock.now(),
      });
    }
  });
  return report;
}

async function checkPosition(
  context: EngineContext,
  position: OpenPosition,
): Promise<'open' | 'exit' | 'timeout'> {
  const now = context.clock.now();
  if (now - position.openedAt > context.settings.positionTimeoutMs) {
    // The timeout closes protected and unprotected positions alike; a filled exit wins (TP/SL).
    context.emit('position:timeout', {
      userId: position.userId,
      tradeId: position.tradeId,
      openedAt: position.openedAt,
      at: now,
    });
    const closed = await closeAtMarket(context, position, 'TIMEOUT');
    return closed.exitReason === 'TIMEOUT' ? 'timeout' : 'exit';
  }
  const account = await context.accountFor(position.userId);
  if (position.protection === 'protected' && position.exitRef !== undefined) {
    const exit = await exitStatusOrNull(account, position);
    if (exit?.state === 'open') return 'open';
    if (exit?.state === 'filled') {
      const trade = await context.store.getTrade(position.userId, position.tradeId);
      if (trade?.status === 'filled') await closeFromExitFill(context, trade, exit);
      return 'exit';
    }
    if (exit?.state === 'triggered') {
      await closeAtMarket(
        context,
        position,
        'STOP_UNFILLED',
        `the stop ${position.stopLoss} triggered but its limit did not fill`,
      );
      return 'exit';
    }
    if (exit?.state === 'cancelled') {
      await closeAtMarket(
        context,
        position,
        'EXIT_CANCELLED',
        `exit ${position.exitRef} was cancelled at the venue`,
      );
      return 'exit';
    }
    // The venue no longer knows the exit: nothing protects the position; protect it again now.
    await context.store.updatePositionExit(position.tradeId, { protection: 'unprotected', since: now });
    context.emit('position:unprotected', {
      userId: position.userId,
      tradeId: position.tradeId,
      reason: `the venue no longer knows exit ${position.exitRef}`,
      at: now,
    });
  }
  const trade = await context.store.getTrade(position.userId, position.tradeId);
  if (trade?.status !== 'filled') return 'exit';
  const rules = await context.marketData.rules(position.symbol);
  const outcome = await protectPosition(context, { trade, position, account, rules, lookUpFirst: true });
  if (outcome.kind === 'unprotected') throw outcome.error;
  return outcome.kind === 'closed' ? 'exit' : 'open';
}

/** The exit's state, or `null` when the venue answers that it does not exist. */
async function exitStatusOrNull(account: TradingAccount, position: OpenPosition): Promise<ExitReport | null> {
  try {
    return await account.exitStatus({ symbol: position.symbol, exitRef: position.exitRef ?? '' });
  } catch (error) {
    if (TrdError.isInstance(error) && error.code === 'ORDER_NOT_FOUND') return null;
    throw error;
  }
}
