import pino, { type Logger } from 'pino';

export type { Logger };

// Secrets can travel in headers, URLs and config objects; pino removes them wherever they are logged.
const REDACTED_PATHS = [
  'token',
  'apiKey',
  'api_key',
  'clientSecret',
  'password',
  'authorization',
  '*.token',
  '*.apiKey',
  '*.clientSecret',
  '*.password',
  '*.authorization',
  'headers.authorization',
  'headers["x-plex-token"]',
  'req.headers.authorization',
];

export function createLogger(level: string, destination: 'stdout' | 'stderr' = 'stdout'): Logger {
  const fd = destination === 'stdout' ? 1 : 2;
  const redact = { paths: REDACTED_PATHS, censor: '[redacted]' };
  const pretty = destination === 'stdout' ? process.stdout.isTTY : process.stderr.isTTY;
  // A terminal gets coloured lines from pino-pretty (in a worker thread); anything else gets JSON lines.
  if (pretty) {
    return pino({
      level,
      redact,
      transport: { target: 'pino-pretty', options: { destination: fd, colorize: true, translateTime: 'SYS:HH:MM:ss' } },
    });
  }
  return pino({ level, redact }, pino.destination({ fd, sync: false }));
}

/** A logger that drops everything, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
