import { EntitySchema } from '@mikro-orm/core';
import { unixMs } from './column-types';

export interface UserRow {
  id: string;
  username: string;
  email: string;
  passwordHash: string;
  /** The user's exchange API keys, encrypted by the caller; never stored in clear. */
  exchangeCredentials: string | null;
  createdAt: number;
}

export const UserEntity = new EntitySchema<UserRow>({
  name: 'UserRow',
  tableName: 'users',
  properties: {
    id: { type: 'string', length: 64, primary: true },
    username: { type: 'string', length: 64, unique: 'users_username_unique' },
    email: { type: 'string', length: 320 },
    passwordHash: { type: 'text' },
    exchangeCredentials: { type: 'text', nullable: true },
    createdAt: unixMs,
  },
});
