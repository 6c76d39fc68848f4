import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { portfolioResponseSchema, tradePageResponseSchema } from './api-schemas';
import { responseSerializerCompiler } from './response-serializer';

const compile = (schema: z.ZodType) =>
  responseSerializerCompiler({ schema, method: 'GET', url: '/test', httpStatus: '200' }) as (
    data: unknown,
  ) => string;

const decimal = fc
  .tuple(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.integer({ min: 0, max: 8 }))
  .map(([units, scale]) => {
    const negative = units < 0n;
    const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
    const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
    return negative ? `-${text}` : text;
  });
const time = fc.integer({ min: 0, max: 4_102_444_800_000 });
const trade = fc.record(
  {
    id: fc.string({ minLength: 1 }),
    userId: fc.string({ minLength: 1 }),
    symbol: fc.constantFrom('BTCUSDT', 'ETHUSDT'),
    side: fc.constant('buy' as const),
    status: fc.constantFrom('pending', 'filled', 'closed', 'failed'),
    quantity: decimal,
    entryPrice: decimal,
    entryFee: decimal,
    takeProfit: decimal,
    stopLoss: decimal,
    confidence: fc.integer({ min: 0, max: 100 }),
    clientOrderId: fc.string({ minLength: 1 }),
    openedAt: time,
    closedAt: time,
    exitPrice: decimal,
    exitReason: fc.constantFrom('TAKE_PROFIT', 'STOP_LOSS', 'MANUAL', 'TIMEOUT'),
    exitNote: fc.string(),
    profitLoss: decimal,
  },
  {
    requiredKeys: [
      'id',
      'userId',
      'symbol',
      'side',
      'status',
      'quantity',
      'entryPrice',
      'entryFee',
      'takeProfit',
      'stopLoss',
      'confidence',
      'clientOrderId',
      'openedAt',
    ],
  },
);

describe('responseSerializerCompiler', () => {
  it('writes what zod would (the same JSON), and nothing outside the schema, for any trade page', () => {
    const serialize = compile(tradePageResponseSchema);
    fc.assert(
      fc.property(fc.array(trade, { maxLength: 20 }), fc.nat(), (trades, total) => {
        const page = { trades, total, limit: 20, offset: 0 };
        const parsed = tradePageResponseSchema.safeParse(page);
        fc.pre(parsed.success);
        // A secret slipped into a trade and beside the page never leaves.
        const leaky = {
          ...page,
          apiSecret: 'do-not-send',
          trades: trades.map((t) => ({ ...t, apiKey: 'do-not-send' })),
        };
        const written = serialize(leaky);
        expect(written).not.toContain('do-not-send');
        expect(JSON.parse(written)).toEqual(JSON.parse(JSON.stringify(parsed.data)));
      }),
      { numRuns: 200 },
    );
  });

  it('fails a response missing a required field (the route answers 500), as zod did', () => {
    const serialize = compile(portfolioResponseSchema);
    expect(() => serialize({ balances: null, openPositions: 0, tradesToday: 0 })).toThrow(/stats/);
  });

  it("keeps zod's encoder for a schema JSON Schema cannot express", () => {
    const schema = z.object({ at: z.date() });
    const serialize = compile(schema);
    expect(JSON.parse(serialize({ at: new Date(0), secret: 'x' }))).toEqual({
      at: '1970-01-01T00:00:00.000Z',
    });
    expect(() => serialize({ at: 'not a date' })).toThrow();
  });
});
