import {
  type Balances,
  type Decimal,
  type DecimalInput,
  dec,
  InsufficientFundsError,
  toDecimalString,
} from '@trd/core';

interface AssetAmounts {
  free: Decimal;
  locked: Decimal;
}

/** One account's free and locked amounts per asset, exact decimals. */
export class BalanceBook {
  private readonly assets = new Map<string, AssetAmounts>();

  constructor(starting: Record<string, DecimalInput> = {}) {
    for (const [asset, amount] of Object.entries(starting)) this.credit(asset, amount);
  }

  free(asset: string): Decimal {
    return this.entry(asset).free;
  }

  locked(asset: string): Decimal {
    return this.entry(asset).locked;
  }

  credit(asset: string, amount: DecimalInput): void {
    const entry = this.entry(asset);
    entry.free = entry.free.plus(amount);
  }

  /** Takes from the free amount; `InsufficientFundsError` (and no change) when there is not enough. */
  debit(asset: string, amount: DecimalInput): void {
    const entry = this.entry(asset);
    this.requireFree(asset, amount);
    entry.free = entry.free.minus(amount);
  }

  requireFree(asset: string, amount: DecimalInput): void {
    const free = this.entry(asset).free;
    if (free.lt(amount)) {
      throw new InsufficientFundsError(
        `insufficient ${asset}: ${toDecimalString(amount)} needed, ${toDecimalString(free)} free`,
      );
    }
  }

  lock(asset: string, amount: DecimalInput): void {
    this.debit(asset, amount);
    const entry = this.entry(asset);
    entry.locked = entry.locked.plus(amount);
  }

  /** Moves a locked amount back to free. */
  unlock(asset: string, amount: DecimalInput): void {
    const entry = this.entry(asset);
    entry.locked = entry.locked.minus(amount);
    entry.free = entry.free.plus(amount);
  }

  /** Sets an asset's amounts as they were saved (restoring a venue's state). */
  restore(asset: string, amounts: { free: DecimalInput; locked: DecimalInput }): void {
    this.assets.set(asset, { free: dec(amounts.free), locked: dec(amounts.locked) });
  }

  snapshot(): Balances {
    const balances: Balances = {};
    for (const [asset, { free, locked }] of this.assets) {
      if (free.isZero() && locked.isZero()) continue;
      balances[asset] = { free: toDecimalString(free), locked: toDecimalString(locked) };
    }
    return balances;
  }

  private entry(asset: string): AssetAmounts {
    let entry = this.assets.get(asset);
    if (!entry) {
      entry = { free: dec(0), locked: dec(0) };
      this.assets.set(asset, entry);
    }
    return entry;
  }
}
