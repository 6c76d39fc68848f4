import { EntitySchema } from '@mikro-orm/core';
import { unixMs } from './column-types';

/** Which engine process trades a user, until when (Unix ms of the store's clock). */
export interface UserLeaseRow {
  userId: string;
  owner: string;
  expiresAt: number;
}

export const UserLeaseEntity = new EntitySchema<UserLeaseRow>({
  name: 'UserLeaseRow',
  tableName: 'user_leases',
  indexes: [{ name: 'user_leases_owner_index', properties: ['owner'] }],
  properties: {
    userId: { type: 'string', length: 64, primary: true },
    owner: { type: 'string', length: 128 },
    expiresAt: unixMs,
  },
});
