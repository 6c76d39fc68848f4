import pino, { type DestinationStream, type Logger } from 'pino';
import { DailyFileStream } from './daily-file-stream';

/** Anything that could be a secret, at any of the depths our log calls use. */
const SECRET_KEYS = [
  'password',
  'passwordHash',
  'secret',
  'apiKey',
  'token',
  'access_token',
  'authorization',
  'jwtSecret',
  'credentialsKey',
  'geminiApiKey',
  'binanceSecret',
  'binanceApiKey',
];
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["sec-websocket-protocol"]',
  ...SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
];

export interface LoggerOptions {
  /** Directory of the daily files; `null` writes no files (tests that only need stdout). */
  logDir: string | null;
  level?: string;
  /** Where the JSON lines go besides the files (default stdout; `null` for none). */
  stdout?: DestinationStream | null;
  /** Time source for the file names (the UTC day). */
  now?: () => number;
}

export interface ServerLoggers {
  /** Main log: requests, engine activity → `trading_bot_YYYY-MM-DD.log`. */
  logger: Logger;
  /** Trade log: entries, exits, rejections → `trades_YYYY-MM-DD.log`. */
  tradeLogger: Logger;
  /** Metrics log (file only): cycle figures, analyses, trades, errors → `metrics_YYYY-MM-DD.log`. */
  metricsLogger: Logger;
  close(): void;
}

/** Removes a `token` query parameter from a URL before it is logged (the WebSocket handshake carries one). */
export function redactUrl(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/gi, '$1[REDACTED]');
}

export function createLoggers(options: LoggerOptions): ServerLoggers {
  const now = options.now ?? Date.now;
  const files: DailyFileStream[] = [];
  const destinations = (prefix: string, toStdout = true) => {
    const streams: pino.StreamEntry[] = [];
    const out = options.stdout === undefined ? process.stdout : options.stdout;
    if (out && toStdout) streams.push({ stream: out });
    if (options.logDir !== null) {
      const file = new DailyFileStream(options.logDir, prefix, now);
      files.push(file);
      streams.push({ stream: file });
    }
    return pino.multistream(streams);
  };

  const base = {
    level: options.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    timestamp: () => `,"time":"${new Date(now()).toISOString()}"`,
    serializers: {
      req: (req: { method?: string; url?: string; ip?: string }) => ({
        method: req.method,
        url: req.url === undefined ? undefined : redactUrl(req.url),
        remoteAddress: req.ip,
      }),
      err: pino.stdSerializers.err,
    },
  };
  const logger = pino({ ...base, name: 'trading_bot' }, destinations('trading_bot'));
  const tradeLogger = pino({ ...base, name: 'trades' }, destinations('trades'));
  // The reference bot's metrics file: figures for tools, not lines for the console.
  const metricsLogger = pino({ ...base, name: 'metrics' }, destinations('metrics', false));
  return {
    logger,
    tradeLogger,
    metricsLogger,
    close() {
      for (const file of files) file.close();
    },
  };
}
