import type { OpenPosition } from '../domain/open-position';
import { forEachWithConcurrency } from './concurrency';
import { asError, claimedUsers, type EngineContext } from './engine-context';
import { closeAtMarket, closeFromExitFill } from './position-closer';
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
 * first (an entry whose exit could not be placed is retried here), then every open position's
 * exit is checked: a filled leg closes the trade (TAKE_PROFIT / STOP_LOSS), a position open
 * longer than positionTimeoutMs is closed at market (TIMEOUT).
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
  const account = await context.accountFor(position.userId);
  const exit = await account.exitStatus({ symbol: position.symbol, exitRef: position.exitRef });
  if (exit.state === 'filled') {
    const trade = await context.store.getTrade(position.userId, position.tradeId);
    if (trade?.status === 'filled') await closeFromExitFill(context, trade, exit);
    return 'exit';
  }
  const now = context.clock.now();
  if (now - position.openedAt > context.settings.positionTimeoutMs) {
    context.emit('position:timeout', {
      userId: position.userId,
      tradeId: position.tradeId,
      openedAt: position.openedAt,
      at: now,
    });
    const closed = await closeAtMarket(context, position, 'TIMEOUT');
    return closed.exitReason === 'TIMEOUT' ? 'timeout' : 'exit';
  }
  if (exit.state === 'cancelled') {
    // Nothing protects this position any more (cancelled at the venue, or an earlier close failed).
    context.emit('error', {
      stage: 'monitor',
      userId: position.userId,
      symbol: position.symbol,
      error: new Error(
        `exit ${position.exitRef} of trade ${position.tradeId} was cancelled; closing the position at market`,
      ),
      at: now,
    });
    await closeAtMarket(context, position, 'MANUAL');
    return 'exit';
  }
  return 'open';
}
