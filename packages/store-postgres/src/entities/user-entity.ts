import { EntitySchema } from '@mikro-orm/core';
import { unixMs } from './column-types';

export interface UserRow {
  id: string;
  username: string;
  email: string;
  /** `identityKey(username)`: what uniqueness and login compare. */
  usernameKey: string;
  /** `identityKey(email)`. */
  emailKey: string;
  /** Tokens carry it; incrementing it ends every session issued before. */
  sessionVersion: number;
  passwordHash: string;
  /** The user's exchange API keys, encrypted by the caller; never stored in clear. */
  exchangeCredentials: string | null;
  /** `paper`: the simulated venue; `live`: the user's own exchange account. */
  tradingMode: 'paper' | 'live';
  createdAt: number;
}

export const UserEntity = new EntitySchema<UserRow>({
  name: 'UserRow',
  tableName: 'users',
  properties: {
    id: { type: 'string', length: 64, primary: true },
    username: { type: 'string', length: 64, unique: 'users_username_unique' },
    email: { type: 'string', length: 320 },
    usernameKey: { type: 'string', length: 64, unique: 'users_username_key_unique' },
    emailKey: { type: 'string', length: 320, unique: 'users_email_key_unique' },
    sessionVersion: { type: 'integer', default: 0 },
    passwordHash: { type: 'text' },
    exchangeCredentials: { type: 'text', nullable: true },
    tradingMode: { type: 'string', length: 8, default: 'paper' },
    createdAt: unixMs,
  },
});
