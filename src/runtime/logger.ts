import { PassThrough } from 'node:stream';
import winston from 'winston';
import { systemClock, type Clock } from './clock.js';
import { redact } from './redact.js';
import { secretRegistry, type SecretRegistry } from './secret-registry.js';

/**
 * Structured logging: one JSON object per line with a stable `event` name
 * (`http.retry`, `sync.batch_done`) that dashboards and alerts key on, plus fields.
 * Redaction runs inside the winston format, so no line can skip it — including lines
 * from child loggers and error objects passed as fields.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  /** A logger that adds `fields` (e.g. `{ connection, deliveryId }`) to every line. */
  child(fields: LogFields): Logger;
  isLevelEnabled(level: LogLevel): boolean;
}

export interface LoggerOptions {
  level?: LogLevel | 'silent';
  /** `json` for machines (default); `pretty` for a human at a terminal. */
  format?: 'json' | 'pretty';
  /**
   * Where lines go. Defaults to stderr so stdout stays clean for command output
   * (`changebridge explain`, `report --format csv`) that users pipe elsewhere.
   */
  stream?: NodeJS.WritableStream;
  clock?: Clock;
  secrets?: SecretRegistry;
}

const MESSAGE = Symbol.for('message'); // winston's "formatted line" slot (triple-beam)
const RESERVED = new Set(['time', 'level', 'event']);

interface LineInfo {
  level: string;
  message: string;
  cbFields?: LogFields;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const clock = options.clock ?? systemClock;
  const secrets = options.secrets ?? secretRegistry;
  const pretty = options.format === 'pretty';
  const lineFormat = winston.format((info) => {
    const { level, message, cbFields } = info as unknown as LineInfo;
    const record = toRecord(clock.now(), level, message, cbFields ?? {}, secrets);
    (info as unknown as Record<symbol, string>)[MESSAGE] = pretty
      ? prettyLine(record)
      : JSON.stringify(record);
    return info;
  });
  const level = options.level ?? 'info';
  const w = winston.createLogger({
    levels: winston.config.npm.levels,
    level: level === 'silent' ? 'error' : level,
    silent: level === 'silent',
    format: lineFormat(),
    transports: [new winston.transports.Stream({ stream: options.stream ?? process.stderr })],
  });
  return new WinstonLogger(w, {});
}

class WinstonLogger implements Logger {
  constructor(
    private readonly w: winston.Logger,
    private readonly bound: LogFields,
  ) {}

  debug(event: string, fields?: LogFields): void {
    this.write('debug', event, fields);
  }
  info(event: string, fields?: LogFields): void {
    this.write('info', event, fields);
  }
  warn(event: string, fields?: LogFields): void {
    this.write('warn', event, fields);
  }
  error(event: string, fields?: LogFields): void {
    this.write('error', event, fields);
  }

  child(fields: LogFields): Logger {
    return new WinstonLogger(this.w, { ...this.bound, ...fields });
  }

  isLevelEnabled(level: LogLevel): boolean {
    return !this.w.silent && this.w.isLevelEnabled(level);
  }

  private write(level: LogLevel, event: string, fields: LogFields | undefined): void {
    if (!this.isLevelEnabled(level)) return;
    // Fields are merged shallowly into a new object; the caller's objects are untouched.
    this.w.log({ level, message: event, cbFields: { ...this.bound, ...fields } });
  }
}

function toRecord(
  now: Date,
  level: string,
  event: string,
  fields: LogFields,
  secrets: SecretRegistry,
): Record<string, unknown> {
  let safe: Record<string, unknown>;
  try {
    safe = redact(fields, { registry: secrets }) as Record<string, unknown>;
  } catch (err) {
    // A throwing getter must not take the process down, nor leak the raw fields.
    safe = { logError: `fields could not be serialised: ${(err as Error).name}` };
  }
  const record: Record<string, unknown> = {
    time: now.toISOString(),
    level,
    event: redact(event, { registry: secrets }),
  };
  for (const [k, v] of Object.entries(safe)) {
    // A field named like a reserved key must not overwrite it; keep it under a prefix.
    record[RESERVED.has(k) ? `field.${k}` : k] = v;
  }
  return record;
}

function prettyLine(record: Record<string, unknown>): string {
  const { time, level, event, ...rest } = record;
  const tail = Object.entries(rest)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${String(time)} ${String(level).toUpperCase().padEnd(5)} ${String(event)}${tail ? ` ${tail}` : ''}`;
}

/** A logger that writes nothing: for code paths and tests that do not look at logs. */
export function createNullLogger(): Logger {
  return createLogger({ level: 'silent', stream: new PassThrough() });
}

export interface MemoryLogger {
  logger: Logger;
  /** Raw text written so far, exactly as it would reach stderr. */
  text(): string;
  /** Parsed JSON lines written so far. */
  lines(): Array<Record<string, unknown>>;
}

/**
 * A logger that keeps its output in memory, running the real format and redaction:
 * tests assert on what an operator would actually see.
 */
export function createMemoryLogger(options: Omit<LoggerOptions, 'stream'> = {}): MemoryLogger {
  const chunks: string[] = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer | string) => chunks.push(chunk.toString()));
  const logger = createLogger({ level: 'debug', ...options, stream });
  const text = (): string => chunks.join('');
  return {
    logger,
    text,
    lines: () =>
      text()
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
