import { dec } from '../decimal';
import { holdSignal, type Signal } from '../domain/signal';

/** How far, in percent, an entry may sit from the market price before the signal is refused. */
export const DEFAULT_MAX_ENTRY_DEVIATION_PERCENT = 5;

export interface SanitizeSignalOptions {
  /** The market price the signal is judged against (last close), quote units. */
  price: number;
  /** Largest allowed distance of the entry from `price`, percent; default 5. */
  maxDeviationPercent?: number;
}

/**
 * Checks a signal before anything trades on it, and turns anything unusable into a `hold` whose
 * `reasoning` says why (starting with "invalid signal:"), keeping the original `usage`:
 * - buy and sell need an entry, a stop loss and a take profit, all finite and positive;
 * - buy: stop loss < entry < take profit; sell: take profit < entry < stop loss;
 * - the entry lies within `maxDeviationPercent` of the market price;
 * - confidence is a number from 0 to 100.
 * The result carries only the fields of `Signal` (never a size). A hold passes with its prices dropped.
 */
export function sanitizeSignal(signal: Signal, options: SanitizeSignalOptions): Signal {
  const usage = signal.usage;
  const refuse = (reason: string) => holdSignal(`invalid signal: ${reason}`, usage);
  const { price } = options;
  const maxDeviationPercent = options.maxDeviationPercent ?? DEFAULT_MAX_ENTRY_DEVIATION_PERCENT;

  if (signal.action === 'hold') {
    const confidence = isFiniteNumber(signal.confidence) ? Math.min(100, Math.max(0, signal.confidence)) : 0;
    return {
      action: 'hold',
      confidence,
      ...(signal.reasoning ? { reasoning: signal.reasoning } : {}),
      ...(usage ? { usage } : {}),
    };
  }
  if (signal.action !== 'buy' && signal.action !== 'sell')
    return refuse(`unknown action "${String(signal.action)}"`);
  if (!isFiniteNumber(signal.confidence) || signal.confidence < 0 || signal.confidence > 100) {
    return refuse(`confidence ${String(signal.confidence)} is not a number from 0 to 100`);
  }
  if (!isFiniteNumber(price) || price <= 0)
    return refuse(`market price ${String(price)} is not a positive number`);

  const prices = {
    'entry price': signal.entryPrice,
    'stop loss': signal.stopLoss,
    'take profit': signal.takeProfit,
  };
  const missing = Object.entries(prices)
    .filter(([, value]) => value === undefined || value === null)
    .map(([label]) => label);
  if (missing.length > 0) return refuse(`a ${signal.action} needs ${missing.join(', ')}`);
  for (const [label, value] of Object.entries(prices)) {
    if (!isFiniteNumber(value) || value <= 0)
      return refuse(`${label} ${String(value)} is not a positive price`);
  }
  const entry = signal.entryPrice as number;
  const stop = signal.stopLoss as number;
  const target = signal.takeProfit as number;

  if (signal.action === 'buy') {
    if (!(stop < entry)) return refuse(`stop loss ${stop} is not below entry ${entry} for a buy`);
    if (!(target > entry)) return refuse(`take profit ${target} is not above entry ${entry} for a buy`);
  } else {
    if (!(stop > entry)) return refuse(`stop loss ${stop} is not above entry ${entry} for a sell`);
    if (!(target < entry)) return refuse(`take profit ${target} is not below entry ${entry} for a sell`);
  }

  // Decimal, so an entry exactly at the limit is not refused by float noise.
  const deviationPercent = dec(entry).sub(price).abs().div(price).mul(100);
  if (deviationPercent.gt(maxDeviationPercent)) {
    return refuse(
      `entry ${entry} is ${deviationPercent.toDecimalPlaces(2).toNumber()}% away from the market price ${price} (at most ${maxDeviationPercent}% allowed)`,
    );
  }

  return {
    action: signal.action,
    confidence: signal.confidence,
    entryPrice: entry,
    stopLoss: stop,
    takeProfit: target,
    ...(signal.reasoning ? { reasoning: signal.reasoning } : {}),
    ...(usage ? { usage } : {}),
  };
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
