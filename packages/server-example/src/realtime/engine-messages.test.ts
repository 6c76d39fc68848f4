import { ExchangeUnavailableError } from '@trd/core';
import { describe, expect, it } from 'vitest';
import { toSocketMessage } from './engine-messages';

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
    });
  });
});
