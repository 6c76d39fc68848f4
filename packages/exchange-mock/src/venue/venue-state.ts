import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError, decimalStringSchema } from '@trd/core';
import { z } from 'zod';

/** Format tag of a venue state file; `version` changes whenever the shape does. */
export const VENUE_STATE_FORMAT = 'trd-exchange-mock-venue';
export const VENUE_STATE_VERSION = 1;

const decimal = decimalStringSchema;
const side = z.enum(['buy', 'sell']);
const time = z.number().int().nonnegative();

const orderSchema = z.strictObject({
  orderId: z.string().regex(/^\d+$/),
  clientOrderId: z.string(),
  symbol: z.string(),
  side,
  status: z.enum(['new', 'partially_filled', 'filled', 'cancelled', 'rejected', 'expired']),
  executedQuantity: decimal,
  averagePrice: decimal,
  quoteQuantity: decimal,
  fees: z.array(z.strictObject({ amount: decimal, asset: z.string() })),
  updatedAt: time,
  type: z.enum(['market', 'take_profit', 'stop_loss']),
  placedAt: time,
  exitRef: z.string().optional(),
});

const exitSchema = z.strictObject({
  exitRef: z.string().regex(/^\d+$/),
  clientOrderId: z.string(),
  symbol: z.string(),
  side,
  quantity: decimal,
  takeProfit: decimal,
  stopLoss: decimal,
  stopLimit: decimal.optional(),
  placedAt: time,
  checkedThrough: time,
  state: z.enum(['open', 'filled', 'cancelled', 'triggered']),
  lockedAsset: z.string(),
  lockedAmount: decimal,
  takeProfitOrderId: z.string(),
  stopLossOrderId: z.string(),
  leg: z.enum(['take_profit', 'stop_loss']).optional(),
});

/** The whole simulated venue on disk: amounts are exact decimal strings, times Unix ms. */
export const venueStateSchema = z.strictObject({
  format: z.literal(VENUE_STATE_FORMAT),
  version: z.literal(VENUE_STATE_VERSION),
  /** The venue clock's time at the save. */
  savedAt: time,
  nextOrderId: z.number().int().positive(),
  nextExitId: z.number().int().positive(),
  accounts: z.array(
    z.strictObject({
      /** `sha256:<hex>` of the API key: the file never holds credentials. */
      account: z.string().regex(/^sha256:[0-9a-f]{64}$/),
      balances: z.record(z.string(), z.strictObject({ free: decimal, locked: decimal })),
      orders: z.array(orderSchema),
      exits: z.array(exitSchema),
    }),
  ),
  /** Prices set with `setPrice`, each until its bar ends (`barOpenTime` null: set before the feed started). */
  priceOverrides: z.array(
    z.strictObject({ symbol: z.string(), price: decimal, barOpenTime: time.nullable() }),
  ),
  /** Open time of the newest bar matched against each symbol's open exits. */
  syncedBars: z.record(z.string(), time),
});

export type VenueState = z.infer<typeof venueStateSchema>;

/** Where the venue keeps its state between processes. */
export interface VenueStateStore {
  /** The saved state, or `undefined` when nothing was saved yet. @throws ConfigError when unreadable. */
  load(): VenueState | undefined;
  /** Replaces the saved state; on return it is durable against a crash of this process. */
  save(state: VenueState): void;
}

/**
 * A JSON file written atomically: the state goes to a temporary file beside it, is flushed to
 * disk, then renamed over the old one, so a reader (or the next start after a crash) sees either
 * the old state or the new one, never half of one.
 */
export function createVenueStateFile(path: string): VenueStateStore {
  return {
    load() {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new ConfigError(`mock venue state file ${path} cannot be read`, { cause: error });
      }
      return parseVenueState(text, path);
    },
    save(state) {
      mkdirSync(dirname(path), { recursive: true });
      const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      try {
        writeFileSync(temporary, `${JSON.stringify(state, null, 1)}\n`, { flush: true });
        renameSync(temporary, path);
      } catch (error) {
        rmSync(temporary, { force: true });
        throw error;
      }
    },
  };
}

/**
 * Reads a saved state.
 * @throws ConfigError naming the file and the problem: not JSON, another format, an unknown
 * version, or a field that does not fit. A state file is never silently ignored.
 */
export function parseVenueState(text: string, source: string): VenueState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`mock venue state file ${source} is not valid JSON (corrupt?)`, { cause: error });
  }
  const header = json as { format?: unknown; version?: unknown } | null;
  if (typeof header !== 'object' || header === null || header.format !== VENUE_STATE_FORMAT) {
    throw new ConfigError(`${source} is not a mock venue state file (format is not "${VENUE_STATE_FORMAT}")`);
  }
  if (header.version !== VENUE_STATE_VERSION) {
    throw new ConfigError(
      `mock venue state file ${source} has version ${String(header.version)}; this version of @trd/exchange-mock reads version ${VENUE_STATE_VERSION} only`,
    );
  }
  const parsed = venueStateSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || 'state'}: ${issue.message}`,
    );
    throw new ConfigError(`mock venue state file ${source} is invalid: ${problems.slice(0, 5).join('; ')}`);
  }
  return parsed.data;
}
