// @trd/server-example: the reference API, WebSocket events and dashboard around the TRD engine.
export { loadServerConfig, type ServerConfig, serverEnvSchema } from './config/server-config';
export {
  createLoggers,
  type LoggerOptions,
  REDACT_PATHS,
  type ServerLoggers,
} from './logging/create-loggers';
export { attachEngineLogging } from './logging/engine-logging';
export { type SocketMessage, toSocketMessage, USER_EVENTS } from './realtime/engine-messages';
export { UserEventHub } from './realtime/user-event-hub';
export { WEBSOCKET_PROTOCOL } from './realtime/websocket-routes';
export { computePerformance, type Performance } from './routes/performance';
export { createRuntime, REPLAY_FIXTURES, type Runtime } from './runtime/create-runtime';
export { createLoopingReplayFeed } from './runtime/looping-replay-feed';
export { createSpeedClock } from './runtime/speed-clock';
export { type CredentialCipher, createCredentialCipher } from './security/credential-cipher';
export { DEFAULT_PASSWORD_COST, hashPassword, verifyPassword } from './security/password-hasher';
export { buildServer, type TrdServer } from './server/build-server';
export type {
  EngineSettingsView,
  SecurityOptions,
  ServerDeps,
  TradingEngine,
  UserRecord,
  UserRepository,
} from './server/server-deps';
