import type { TradingBotEvents } from '@trd/core';

/**
 * Engine events that concern one user, forwarded to that user's sockets only (the hub publishes
 * each to its payload's `userId`). `position:protected` / `position:unprotected` tell the
 * dashboard that an exit pair now protects a position, or that nothing does.
 */
export const USER_EVENTS = [
  'analysis',
  'trade:opened',
  'trade:closed',
  'trade:rejected',
  'position:protected',
  'position:unprotected',
  'position:timeout',
  'error',
] as const;
export type UserEventName = (typeof USER_EVENTS)[number];

/** A message on the WebSocket: JSON with a `type`. */
export interface SocketMessage {
  type: string;
  at: number;
  [key: string]: unknown;
}

/** Turns an engine event into the JSON message a user's socket receives (no secrets, no stack traces). */
export function toSocketMessage<E extends UserEventName>(
  event: E,
  payload: TradingBotEvents[E][0],
): SocketMessage {
  switch (event) {
    case 'analysis': {
      const p = payload as TradingBotEvents['analysis'][0];
      const { usage, ...signal } = p.signal;
      return {
        type: event,
        at: p.at,
        symbol: p.symbol,
        analyzer: p.analyzer,
        price: p.price,
        signal: { ...signal, ...(usage ? { model: usage.model, latencyMs: usage.latencyMs } : {}) },
        // The decisions panel shows how the user's record changed the signal (shared mode).
        mode: p.mode,
        inputHash: p.inputHash,
        ...(p.policy ? { policy: p.policy } : {}),
      };
    }
    case 'trade:opened': {
      const p = payload as TradingBotEvents['trade:opened'][0];
      return { type: event, at: p.at, trade: p.trade, position: p.position };
    }
    case 'trade:closed': {
      const p = payload as TradingBotEvents['trade:closed'][0];
      return { type: event, at: p.at, trade: p.trade };
    }
    case 'trade:rejected': {
      const p = payload as TradingBotEvents['trade:rejected'][0];
      const { usage: _usage, ...signal } = p.signal;
      return { type: event, at: p.at, symbol: p.symbol, signal, violations: p.violations };
    }
    case 'position:protected': {
      const p = payload as TradingBotEvents['position:protected'][0];
      return { type: event, at: p.at, tradeId: p.tradeId, exitRef: p.exitRef };
    }
    case 'position:unprotected': {
      const p = payload as TradingBotEvents['position:unprotected'][0];
      return { type: event, at: p.at, tradeId: p.tradeId, reason: p.reason };
    }
    case 'position:timeout': {
      const p = payload as TradingBotEvents['position:timeout'][0];
      return { type: event, at: p.at, tradeId: p.tradeId, openedAt: p.openedAt };
    }
    default: {
      const p = payload as TradingBotEvents['error'][0];
      return {
        type: 'error',
        at: p.at,
        stage: p.stage,
        ...(p.symbol ? { symbol: p.symbol } : {}),
        code: (p.error as { code?: string }).code ?? 'ERROR',
        message: p.error.message,
      };
    }
  }
}
