import { closeClientOrderId, type Decimal, dec, exitClientOrderId, type Trade } from '@trd/core';
import { SIMULATED_MARKETS } from './markets';
import { type SimulatedWorld, userId } from './simulated-world';

/**
 * Monitor passes a position may stay unprotected (the promise), not counting passes in which a
 * fault or a crash hit that user: while the venue refuses to answer nothing can be placed or sold.
 */
const MAX_UNPROTECTED_PASSES = 2;

/**
 * What must hold after every step, checked from the outside: the venue's own books against the
 * store, with an independent recomputation of every trade's P&L. Throws naming the broken rule.
 */
export async function checkInvariants(world: SimulatedWorld): Promise<void> {
  const { store, exchange, scenario, clock } = world;
  for (const [index, user] of scenario.users.entries()) {
    const id = userId(index);
    const { rules } = SIMULATED_MARKETS[user.market]!;
    const fail = (rule: string, detail: string) => {
      throw new Error(
        `${rule} (${id}, ${rules.symbol}, t=${new Date(clock.now()).toISOString()}): ${detail}`,
      );
    };
    const orders = exchange.orders(id);
    const exits = exchange.exits(id);
    const balances = exchange.balances(id);
    const total = (asset: string) => dec(balances[asset]?.free ?? 0).plus(balances[asset]?.locked ?? 0);
    const { trades } = await store.listTrades(id, { limit: 10_000, offset: 0 });
    const positions = await store.openPositions(id);
    const portfolio = await store.getPortfolio(id);
    const intents = await store.unfinishedIntents(id);

    // No order is ever sent twice for one intent: client ids are unique at the venue.
    const marketIds = orders.filter((o) => o.type === 'market').map((o) => o.clientOrderId);
    if (new Set(marketIds).size !== marketIds.length) fail('an order was sent twice', marketIds.join(', '));
    const exitIds = exits.map((e) => e.clientOrderId);
    if (new Set(exitIds).size !== exitIds.length) fail('an exit was placed twice', exitIds.join(', '));

    // Spot without inventory: no short ever opens from a quote-only account.
    if (trades.some((t) => t.side === 'sell' && t.status !== 'failed'))
      fail('a short opened', 'no inventory');

    // Every open position is protected by a working exit, or unprotected for at most two passes.
    for (const position of positions) {
      if (position.protection === 'unprotected') {
        const since = position.unprotectedSince ?? position.openedAt;
        if (world.cleanPassesSince(id, since) > MAX_UNPROTECTED_PASSES)
          fail('a position stayed unprotected', `${position.tradeId} since ${new Date(since).toISOString()}`);
      } else if (!exits.some((e) => e.exitRef === position.exitRef)) {
        fail('a protected position has no exit at the venue', `${position.tradeId} → ${position.exitRef}`);
      }
    }

    // Independent P&L: cash from the venue's own fills, trade by trade.
    let realized = dec(0);
    for (const trade of trades.filter((t) => t.status === 'closed')) {
      const expected = cashPnl(trade, orders, exits, rules.quoteAsset);
      if (expected === null) fail('a closed trade has no fills at the venue', trade.id);
      else if (!dec(trade.profitLoss!).eq(expected))
        fail('P&L differs from the fills', `${trade.id}: ${trade.profitLoss} vs ${expected.toFixed()}`);
      realized = realized.plus(trade.profitLoss!);
    }
    if (!realized.eq(portfolio.totalRealizedPnl))
      fail(
        'the portfolio total differs from its trades',
        `${portfolio.totalRealizedPnl} vs ${realized.toFixed()}`,
      );

    // The ledger is the venue's, exactly: start + Σ P&L − what open trades cost + fills not yet
    // recorded (an entry or an exit the engine has not settled yet) = the venue's quote, and the
    // base the venue holds is the dust plus what open and unsettled entries brought.
    let quote = dec(user.balance).plus(realized);
    let base = dec(portfolio.dust.find((d) => d.symbol === rules.symbol)?.quantity ?? 0);
    for (const trade of trades.filter((t) => t.status === 'filled')) {
      quote = quote.minus(trade.entryQuoteAmount!);
      base = base.plus(trade.entryNetQuantity!);
      // Exit fills of a trade still open in the store: the engine has not settled them yet.
      for (const fill of exitFills(trade, orders, exits)) {
        quote = quote.plus(fill.quoteQuantity).minus(quoteFees(fill, rules.quoteAsset));
        base = base.minus(fill.executedQuantity);
      }
    }
    for (const intent of intents.filter((i) => i.kind === 'entry')) {
      const entry = orders.find((o) => o.clientOrderId === intent.clientOrderId && o.type === 'market');
      if (!entry) continue;
      quote = quote.minus(entry.quoteQuantity).minus(quoteFees(entry, rules.quoteAsset));
      base = base.plus(entry.executedQuantity).minus(baseFees(entry, rules.baseAsset));
    }
    if (!quote.eq(total(rules.quoteAsset)))
      fail(
        'the ledger differs from the venue',
        `expected ${quote.toFixed()} USDT, the venue holds ${total(rules.quoteAsset).toFixed()}`,
      );
    if (!base.eq(total(rules.baseAsset)))
      fail(
        'base asset is unaccounted for',
        `expected ${base.toFixed()} ${rules.baseAsset}, the venue holds ${total(rules.baseAsset).toFixed()}`,
      );
  }
}

/** At the end of the calm: everything closed, nothing pending, no error left. */
export async function checkSettled(world: SimulatedWorld): Promise<void> {
  const positions = await world.store.openPositions();
  const intents = await world.store.unfinishedIntents();
  if (positions.length > 0 || intents.length > 0 || world.stepErrors.length > 0) {
    throw new Error(
      `no progress: after the calm ${positions.length} position(s) are open, ${intents.length} intent(s) unfinished, errors: ${world.stepErrors.join(' | ')}`,
    );
  }
}

type Fill = {
  side: string;
  executedQuantity: string;
  quoteQuantity: string;
  fees: { amount: string; asset: string }[];
  status: string;
  clientOrderId: string;
};

function quoteFees(fill: Fill, quoteAsset: string): Decimal {
  return fill.fees.filter((f) => f.asset === quoteAsset).reduce((sum, f) => sum.plus(f.amount), dec(0));
}
function baseFees(fill: Fill, baseAsset: string): Decimal {
  return fill.fees.filter((f) => f.asset === baseAsset).reduce((sum, f) => sum.plus(f.amount), dec(0));
}

/** Fills of a trade's exit legs and close orders, from the venue's ledger. */
function exitFills(
  trade: Trade,
  orders: readonly (Fill & { type: string; exitRef?: string })[],
  exits: readonly { exitRef: string; clientOrderId: string }[],
): Fill[] {
  const exit = exits.find((e) => e.clientOrderId === exitClientOrderId(trade.clientOrderId));
  const closeIds = new Set(
    Array.from({ length: 10 }, (_, i) => closeClientOrderId(trade.clientOrderId, i + 1)),
  );
  return orders.filter(
    (o) =>
      Number(o.executedQuantity) > 0 &&
      ((exit !== undefined && o.exitRef === exit.exitRef) ||
        (o.type === 'market' && closeIds.has(o.clientOrderId))),
  );
}

/** A long's P&L as cash: what its exit fills brought in minus what its entry fill cost. */
function cashPnl(
  trade: Trade,
  orders: Parameters<typeof exitFills>[1],
  exits: Parameters<typeof exitFills>[2],
  quoteAsset: string,
): Decimal | null {
  const entry = orders.find((o) => o.type === 'market' && o.clientOrderId === trade.clientOrderId);
  const fills = exitFills(trade, orders, exits);
  if (!entry || fills.length === 0) return null;
  const cost = dec(entry.quoteQuantity).plus(quoteFees(entry, quoteAsset));
  const proceeds = fills.reduce(
    (sum, f) => sum.plus(f.quoteQuantity).minus(quoteFees(f, quoteAsset)),
    dec(0),
  );
  return proceeds.minus(cost);
}
