import { EventEmitter } from 'node:events';
import { ExchangeUnavailableError } from '@trd/core';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import type { TradingEngine } from '../server/server-deps';
import { toSocketMessage, USER_EVENTS } from './engine-messages';
import { UserEventHub } from './user-event-hub';

/** A socket that records what it was sent. */
function recordingSocket(): { socket: WebSocket; sent: () => Record<string, unknown>[] } {
  const sent: string[] = [];
  const socket = { OPEN: 1, readyState: 1, bufferedAmount: 0, send: (data: string) => sent.push(data) };
  return { socket: socket as unknown as WebSocket, sent: () => sent.map((data) => JSON.parse(data)) };
}

describe('socket messages', () => {
  it('carries an error as stage, code and message: no stack, no cause', () => {
    const error = new ExchangeUnavailableError('binance did not answer', {
      cause: new Error('apiKey=SECRET123'),
    });
    const message = toSocketMessage('error', {
      stage: 'entry',
      userId: 'u1',
      symbol: 'BTCUSDT',
      error,
      at: 5,
    });
    expect(message).toEqual({
      type: 'error',
      at: 5,
      stage: 'entry',
      symbol: 'BTCUSDT',
      code: 'EXCHANGE_UNAVAILABLE',
      message: 'binance did not answer',
    });
    expect(JSON.stringify(message)).not.toContain('SECRET123');
  });

  it("leaves the model's raw answer out of analysis messages", () => {
    const message = toSocketMessage('analysis', {
      userId: 'u1',
      symbol: 'BTCUSDT',
      mode: 'personal',
      inputHash: '0000000000000',
      analyzer: 'gemini:gemini-2.5-flash',
      price: 63_000,
      at: 7,
      signal: {
        action: 'hold',
        confidence: 10,
        reasoning: 'flat',
        usage: {
          model: 'gemini-2.5-flash',
          latencyMs: 420,
          rawAnswer: '{"signal":"hold"} long raw text',
          totalTokens: 900,
        },
      },
    });
    expect(message).toEqual({
      type: 'analysis',
      at: 7,
      symbol: 'BTCUSDT',
      analyzer: 'gemini:gemini-2.5-flash',
      price: 63_000,
      signal: {
        action: 'hold',
        confidence: 10,
        reasoning: 'flat',
        model: 'gemini-2.5-flash',
        latencyMs: 420,
      },
      mode: 'personal',
      inputHash: '0000000000000',
    });
  });

  it('carries the policy applied in shared mode', () => {
    const policy = {
      requiredConfidence: 86,
      confidenceAdjustment: -15,
      caution: true,
      reasons: ['losing streak of 2 (trend losing): confidence -15'],
    };
    const message = toSocketMessage('analysis', {
      userId: 'u1',
      symbol: 'BTCUSDT',
      mode: 'shared',
      inputHash: '1111111111111',
      analyzer: 'gemini:gemini-2.5-flash',
      price: 63_000,
      at: 7,
      signal: { action: 'buy', confidence: 71, entryPrice: 63_000, stopLoss: 62_685, takeProfit: 63_189 },
      policy,
    });
    expect(message).toMatchObject({ mode: 'shared', inputHash: '1111111111111', policy });
    expect(message).not.toHaveProperty('userId');
  });

  it('maps position:protected to the trade and its exit reference', () => {
    const message = toSocketMessage('position:protected', {
      userId: 'u1',
      tradeId: 't1',
      exitRef: 'oco-42',
      at: 9,
    });
    expect(message).toEqual({ type: 'position:protected', at: 9, tradeId: 't1', exitRef: 'oco-42' });
  });

  it('maps position:unprotected to the trade and the reason in words', () => {
    const message = toSocketMessage('position:unprotected', {
      userId: 'u1',
      tradeId: 't1',
      reason: 'the exit pair was cancelled at the venue',
      at: 11,
    });
    expect(message).toEqual({
      type: 'position:unprotected',
      at: 11,
      tradeId: 't1',
      reason: 'the exit pair was cancelled at the venue',
    });
    // The user id routes the message; it is not repeated in it.
    expect(message).not.toHaveProperty('userId');
  });

  it('forwards both protection events', () => {
    expect(USER_EVENTS).toContain('position:protected');
    expect(USER_EVENTS).toContain('position:unprotected');
  });

  it('delivers protection events to the user they concern and to no one else', () => {
    const engine = new EventEmitter();
    const hub = new UserEventHub();
    const detach = hub.attach(engine as unknown as TradingEngine);
    const alice = recordingSocket();
    const bob = recordingSocket();
    hub.add('alice', alice.socket);
    hub.add('bob', bob.socket);

    engine.emit('position:unprotected', { userId: 'alice', tradeId: 't1', reason: 'exit refused', at: 1 });
    engine.emit('position:protected', { userId: 'alice', tradeId: 't1', exitRef: 'oco-1', at: 2 });

    expect(alice.sent()).toEqual([
      { type: 'position:unprotected', at: 1, tradeId: 't1', reason: 'exit refused' },
      { type: 'position:protected', at: 2, tradeId: 't1', exitRef: 'oco-1' },
    ]);
    expect(bob.sent()).toEqual([]);

    detach();
    engine.emit('position:protected', { userId: 'alice', tradeId: 't1', exitRef: 'oco-2', at: 3 });
    expect(alice.sent()).toHaveLength(2);
  });
});
