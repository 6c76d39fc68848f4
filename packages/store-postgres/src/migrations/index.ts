import type { MigrationObject } from '@mikro-orm/core';
import { AnalysisCost20261125 } from './analysis-cost';
import { AnalysisDecision20261202 } from './analysis-decision';
import { CycleBatchReads20261202 } from './cycle-batch-reads';
import { EngineHeartbeats20261125 } from './engine-heartbeats';
import { InitialSchema20261125 } from './initial-schema';
import { PositionProtection20261202 } from './position-protection';
import { UserIdentity20261202 } from './user-identity';
import { UserNotifications20261203 } from './user-notifications';
import { UserTradingMode20261203 } from './user-trading-mode';

// Every migration, oldest first. Add new ones at the end; never edit one that has shipped.
export const migrations: MigrationObject[] = [
  { name: 'InitialSchema20261125', class: InitialSchema20261125 },
  { name: 'EngineHeartbeats20261125', class: EngineHeartbeats20261125 },
  { name: 'AnalysisCost20261125', class: AnalysisCost20261125 },
  { name: 'PositionProtection20261202', class: PositionProtection20261202 },
  { name: 'CycleBatchReads20261202', class: CycleBatchReads20261202 },
  { name: 'AnalysisDecision20261202', class: AnalysisDecision20261202 },
  { name: 'UserIdentity20261202', class: UserIdentity20261202 },
  { name: 'UserNotifications20261203', class: UserNotifications20261203 },
  { name: 'UserTradingMode20261203', class: UserTradingMode20261203 },
];
