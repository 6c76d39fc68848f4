import { EntitySchema } from '@mikro-orm/core';
import { money } from './column-types';

/**
 * A user's dust of one symbol: base asset left below one step after exits. One row per user and
 * symbol, set (not added to) by each close; a close leaving none deletes the row.
 */
export interface PortfolioDustRow {
  userId: string;
  symbol: string;
  asset: string;
  quantity: string;
  cost: string;
}

export const PortfolioDustEntity = new EntitySchema<PortfolioDustRow>({
  name: 'PortfolioDustRow',
  tableName: 'portfolio_dust',
  properties: {
    userId: { type: 'string', length: 64, primary: true },
    symbol: { type: 'string', length: 20, primary: true },
    asset: { type: 'string', length: 20 },
    quantity: money,
    cost: money,
  },
});
