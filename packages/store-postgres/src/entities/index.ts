import { AnalysisRecordEntity } from './analysis-record-entity';
import { EngineHeartbeatEntity } from './engine-heartbeat-entity';
import { OpenPositionEntity } from './open-position-entity';
import { OrderIntentEntity } from './order-intent-entity';
import { PortfolioDustEntity } from './portfolio-dust-entity';
import { PortfolioEntity } from './portfolio-entity';
import { TradeEntity } from './trade-entity';
import { TradingConfigEntity } from './trading-config-entity';
import { UserEntity } from './user-entity';
import { UserLeaseEntity } from './user-lease-entity';

export * from './analysis-record-entity';
export * from './engine-heartbeat-entity';
export * from './open-position-entity';
export * from './order-intent-entity';
export * from './portfolio-dust-entity';
export * from './portfolio-entity';
export * from './trade-entity';
export * from './trading-config-entity';
export * from './user-entity';
export * from './user-lease-entity';

export const allEntities = [
  UserEntity,
  TradingConfigEntity,
  TradeEntity,
  OpenPositionEntity,
  PortfolioEntity,
  PortfolioDustEntity,
  OrderIntentEntity,
  AnalysisRecordEntity,
  UserLeaseEntity,
  EngineHeartbeatEntity,
];
