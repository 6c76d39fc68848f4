import type { TradingBotEvents } from '@trd/core';
import type { Logger } from 'pino';
import type { TradingEngine } from '../server/server-deps';

/** Writes the engine's events to the main log and trades to the trade log; returns the detach function. */
export function attachEngineLogging(
  engine: TradingEngine,
  loggers: { logger: Logger; tradeLogger: Logger },
): () => void {
  const { logger, tradeLogger } = loggers;
  const handlers: { [E in keyof TradingBotEvents]?: (...args: TradingBotEvents[E]) => void } = {
    'cycle:end': (e) =>
      // An idle cycle is routine; one that saw users is worth a line at info.
      logger[e.usersSeen > 0 ? 'info' : 'debug'](
        {
          cycle: e.cycle,
          durationMs: e.durationMs,
          usersSeen: e.usersSeen,
          analysed: e.analysed,
          skipped: e.skipped,
          tradingHours: e.tradingHours,
        },
        'cycle finished',
      ),
    analysis: (e) =>
      logger.info(
        {
          userId: e.userId,
          symbol: e.symbol,
          analyzer: e.analyzer,
          action: e.signal.action,
          confidence: e.signal.confidence,
          price: e.price,
        },
        'analysis',
      ),
    'trade:opened': (e) =>
      tradeLogger.info(
        {
          event: 'opened',
          userId: e.userId,
          tradeId: e.trade.id,
          symbol: e.trade.symbol,
          side: e.trade.side,
          quantity: e.trade.quantity,
          entryPrice: e.trade.entryPrice,
          takeProfit: e.trade.takeProfit,
          stopLoss: e.trade.stopLoss,
          confidence: e.trade.confidence,
        },
        'trade opened',
      ),
    'trade:closed': (e) =>
      tradeLogger.info(
        {
          event: 'closed',
          userId: e.userId,
          tradeId: e.trade.id,
          symbol: e.trade.symbol,
          exitPrice: e.trade.exitPrice,
          exitReason: e.trade.exitReason,
          profitLoss: e.trade.profitLoss,
          profitLossPercent: e.trade.profitLossPercent,
          durationSeconds: e.trade.durationSeconds,
        },
        'trade closed',
      ),
    'trade:rejected': (e) =>
      tradeLogger.info(
        {
          event: 'rejected',
          userId: e.userId,
          symbol: e.symbol,
          violations: e.violations.map((v) => v.code),
        },
        'trade rejected',
      ),
    'position:timeout': (e) =>
      tradeLogger.warn({ event: 'timeout', userId: e.userId, tradeId: e.tradeId }, 'position timed out'),
    error: (e) =>
      logger.error({ stage: e.stage, userId: e.userId, symbol: e.symbol, err: e.error }, 'engine error'),
  };
  const entries = Object.entries(handlers) as [keyof TradingBotEvents, (...args: never[]) => void][];
  for (const [event, handler] of entries) engine.on(event, handler as never);
  return () => {
    for (const [event, handler] of entries) engine.off(event, handler as never);
  };
}
