import type { TradingBotEvents } from '@trd/core';
import type { Logger } from 'pino';
import type { TradingEngine } from '../server/server-deps';

/**
 * Writes the engine's events to the main log, trades to the trade log and, when given, one line
 * per cycle, analysis, trade and error to the metrics log (`metric` names the kind); returns the
 * detach function.
 */
export function attachEngineLogging(
  engine: TradingEngine,
  loggers: { logger: Logger; tradeLogger: Logger; metricsLogger?: Logger },
): () => void {
  const { logger, tradeLogger, metricsLogger } = loggers;
  const metric = (kind: string, fields: Record<string, unknown>) =>
    metricsLogger?.info({ metric: kind, ...fields }, kind);
  const handlers: { [E in keyof TradingBotEvents]?: (...args: TradingBotEvents[E]) => void } = {
    'cycle:end': (e) => {
      metric('cycle', {
        cycle: e.cycle,
        durationMs: e.durationMs,
        usersSeen: e.usersSeen,
        analysed: e.analysed,
        skipped: e.skipped,
      });
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
      );
    },
    analysis: (e) => {
      metric('analysis', {
        userId: e.userId,
        symbol: e.symbol,
        analyzer: e.analyzer,
        action: e.signal.action,
        confidence: e.signal.confidence,
        ...(e.signal.usage ? { latencyMs: e.signal.usage.latencyMs, model: e.signal.usage.model } : {}),
      });
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
      );
    },
    'trade:opened': (e) => {
      metric('trade:opened', { userId: e.userId, tradeId: e.trade.id, symbol: e.trade.symbol });
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
      );
    },
    'trade:closed': (e) => {
      metric('trade:closed', {
        userId: e.userId,
        tradeId: e.trade.id,
        exitReason: e.trade.exitReason,
        profitLoss: e.trade.profitLoss,
        durationSeconds: e.trade.durationSeconds,
      });
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
      );
    },
    'trade:rejected': (e) => {
      metric('trade:rejected', {
        userId: e.userId,
        symbol: e.symbol,
        violations: e.violations.map((v) => v.code),
      });
      tradeLogger.info(
        {
          event: 'rejected',
          userId: e.userId,
          symbol: e.symbol,
          violations: e.violations.map((v) => v.code),
        },
        'trade rejected',
      );
    },
    'position:timeout': (e) =>
      tradeLogger.warn({ event: 'timeout', userId: e.userId, tradeId: e.tradeId }, 'position timed out'),
    error: (e) => {
      metric('error', {
        stage: e.stage,
        userId: e.userId,
        symbol: e.symbol,
        code: (e.error as { code?: string }).code ?? 'ERROR',
      });
      logger.error({ stage: e.stage, userId: e.userId, symbol: e.symbol, err: e.error }, 'engine error');
    },
  };
  const entries = Object.entries(handlers) as [keyof TradingBotEvents, (...args: never[]) => void][];
  for (const [event, handler] of entries) engine.on(event, handler as never);
  return () => {
    for (const [event, handler] of entries) engine.off(event, handler as never);
  };
}
