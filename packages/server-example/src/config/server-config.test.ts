import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadServerConfig } from './server-config';

describe('loadServerConfig', () => {
  it('starts with no environment at all: demo mode, simulated exchange, offline analyzer', () => {
    const config = loadServerConfig({});
    expect(config.port).toBe(8000);
    expect(config.demoMode).toBe(true);
    expect(config.binance).toBeNull();
    expect(config.gemini).toBeNull();
    expect(config.databaseUrl).toBeUndefined();
    expect(config.engine.tradingHours).toBeNull();
    expect(config.engine.cycleMs).toBeLessThan(60_000);
    expect(config.jwtSecret).toBeUndefined();
  });

  it("keeps the reference bot's timing outside demo mode", () => {
    const config = loadServerConfig({ DEMO_MODE: 'false' });
    expect(config.engine).toEqual({
      tradingHours: { startHourUtc: 8, endHourUtc: 16 },
      cycleMs: 60_000,
      monitorMs: 60_000,
      userCooldownMs: 30_000,
      positionTimeoutMs: 1_800_000,
      analysisMode: 'shared',
    });
  });

  it('reads every setting', () => {
    const key = randomBytes(32).toString('base64');
    const config = loadServerConfig({
      PORT: '9001',
      TRADING_HOURS: '9-17',
      CYCLE_SECONDS: '15',
      BINANCE_API_KEY: 'k',
      BINANCE_SECRET: 's',
      GEMINI_API_KEY: 'g',
      CREDENTIALS_KEY: key,
      JWT_SECRET: 'x'.repeat(32),
      SYMBOLS: 'BTCUSDT, ETHUSDT',
    });
    expect(config.port).toBe(9001);
    expect(config.engine.tradingHours).toEqual({ startHourUtc: 9, endHourUtc: 17 });
    expect(config.engine.cycleMs).toBe(15_000);
    expect(config.demoMode).toBe(false);
    expect(config.binance).toEqual({ testnet: true, serverKeys: { apiKey: 'k', secret: 's' } });
    expect(config.singleOperatorUser).toBeNull();
    expect(config.gemini).toEqual({ apiKey: 'g', model: 'gemini-2.5-flash' });
    expect(
      loadServerConfig({ GEMINI_API_KEY: 'g', GEMINI_BASE_URL: 'http://127.0.0.1:9000' }).gemini?.baseUrl,
    ).toBe('http://127.0.0.1:9000');
    expect(config.credentialsKey?.length).toBe(32);
    expect(config.symbols).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(loadServerConfig({ TRADING_HOURS: 'always', DEMO_MODE: 'false' }).engine.tradingHours).toBeNull();
  });

  it('runs Binance without server keys, and single-operator mode only when named', () => {
    const binance = loadServerConfig({ EXCHANGE: 'binance' });
    expect(binance.binance).toEqual({ testnet: true, serverKeys: null });
    expect(binance.demoMode).toBe(false);
    expect(binance.singleOperatorUser).toBeNull();
    const operator = loadServerConfig({
      BINANCE_API_KEY: 'k',
      BINANCE_SECRET: 's',
      SINGLE_OPERATOR_USER: 'alice',
    });
    expect(operator.singleOperatorUser).toBe('alice');
    expect(operator.binance?.serverKeys).toEqual({ apiKey: 'k', secret: 's' });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ TRADING_HOURS: '25-3' }, 'TRADING_HOURS'],
    [{ CYCLE_SECONDS: '0' }, 'CYCLE_SECONDS'],
    [{ DEMO_MODE: 'maybe' }, 'DEMO_MODE'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ CREDENTIALS_KEY: 'abc' }, 'CREDENTIALS_KEY'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ GEMINI_BASE_URL: 'localhost:9000' }, 'GEMINI_BASE_URL'],
    [{ NODE_ENV: 'production' }, 'JWT_SECRET'],
    [{ BINANCE_API_KEY: 'only-the-key' }, 'BINANCE_API_KEY'],
    [{ EXCHANGE: 'kraken' }, 'EXCHANGE'],
    [{ CREDENTIALS_KEY_PREVIOUS: Buffer.alloc(32, 1).toString('base64') }, 'CREDENTIALS_KEY_PREVIOUS'],
    [
      {
        CREDENTIALS_KEY: Buffer.alloc(32, 1).toString('base64'),
        CREDENTIALS_KEY_PREVIOUS: Buffer.alloc(32, 1).toString('base64'),
      },
      'CREDENTIALS_KEY_PREVIOUS',
    ],
    [{ EXCHANGE: 'simulated', BINANCE_API_KEY: 'k', BINANCE_SECRET: 's' }, 'BINANCE_API_KEY'],
    [{ EXCHANGE: 'binance', SINGLE_OPERATOR_USER: 'alice' }, 'SINGLE_OPERATOR_USER'],
  ])('stops on a bad value and names it: %o', (env, name) => {
    expect(() => loadServerConfig(env)).toThrow(new RegExp(name));
  });

  it('reads the settings of several processes on one database, and refuses a lease shorter than a cycle', () => {
    const defaults = loadServerConfig({ DEMO_MODE: 'false' });
    expect(defaults.engine.claimTtlMs).toBeUndefined();
    expect(defaults.cluster).toEqual({ channel: 'trd', commandTimeoutMs: 10_000 });
    const set = loadServerConfig({
      CYCLE_SECONDS: '5',
      MONITOR_SECONDS: '5',
      LEASE_TTL_SECONDS: '12',
      CLUSTER_CHANNEL: 'trd_staging',
      COMMAND_TIMEOUT_SECONDS: '3',
    });
    expect(set.engine.claimTtlMs).toBe(12_000);
    expect(set.cluster).toEqual({ channel: 'trd_staging', commandTimeoutMs: 3_000 });
    expect(() => loadServerConfig({ CYCLE_SECONDS: '60', LEASE_TTL_SECONDS: '30' })).toThrow(
      /LEASE_TTL_SECONDS must be longer than CYCLE_SECONDS and MONITOR_SECONDS/,
    );
    expect(() => loadServerConfig({ CLUSTER_CHANNEL: 'Bad-Name; drop' })).toThrow(/CLUSTER_CHANNEL/);
  });

  it('never echoes a secret value in its error', () => {
    try {
      loadServerConfig({ JWT_SECRET: 'tooShortSecret' });
      expect.unreachable();
    } catch (error) {
      expect(String(error)).not.toContain('tooShortSecret');
    }
  });

  it('resolves relative DATA_DIR and LOG_DIR against where the user ran the command (INIT_CWD)', () => {
    const config = loadServerConfig({ INIT_CWD: '/home/me/trd', LOG_DIR: 'logs' });
    expect(config.logDir).toBe('/home/me/trd/logs');
    expect(config.dataDir).toBe('/home/me/trd/.trd');
    expect(loadServerConfig({ INIT_CWD: '/home/me/trd', LOG_DIR: '/var/log/trd' }).logDir).toBe(
      '/var/log/trd',
    );
    expect(loadServerConfig({}).logDir).toBe(join(process.cwd(), 'logs'));
  });
});
