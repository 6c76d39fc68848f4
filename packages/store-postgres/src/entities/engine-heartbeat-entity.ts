import { EntitySchema } from '@mikro-orm/core';
import { unixMs } from './column-types';

/** An engine process that is live until `expiresAt` (Unix ms of the store's clock). */
export interface EngineHeartbeatRow {
  owner: string;
  expiresAt: number;
}

export const EngineHeartbeatEntity = new EntitySchema<EngineHeartbeatRow>({
  name: 'EngineHeartbeatRow',
  tableName: 'engine_heartbeats',
  properties: {
    owner: { type: 'string', length: 128, primary: true },
    expiresAt: unixMs,
  },
});
