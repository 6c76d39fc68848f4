import type { TradeSide } from '../domain/signal';

export function oppositeSide(side: TradeSide): TradeSide {
  return side === 'buy' ? 'sell' : 'buy';
}
