/**
 * The composition root: the only module that sees every layer and wires concrete pieces
 * together. Commands ask it for what they need (config, logger, database, store, audit
 * log); nothing else reads process globals or constructs infrastructure.
 */
import { AuditLog } from './audit/index.js';
import { loadConfig, type Env, type LoadedConfig } from './config/index.js';
import {
  createLogger,
  registerSecret,
  systemClock,
  UserError,
  type Clock,
  type Logger,
} from './runtime/index.js';
import {
  Database,
  databaseUrlProblem,
  createStore,
  parseDatabaseUrl,
  type Store,
} from './store/index.js';

export const DATABASE_URL_ENV = 'CHANGEBRIDGE_DATABASE_URL';

export interface Environment {
  env: Env;
  cwd: string;
  clock?: Clock;
  stderr?: NodeJS.WritableStream;
}

export interface ConfigRequest {
  configPath?: string;
  /** `config check` only: missing variables are reported, not fatal. */
  allowMissingEnv?: boolean;
}

/**
 * Loads and validates the configuration, applies the `CHANGEBRIDGE_DATABASE_URL`
 * override, and registers every resolved secret with the log redactor before anything
 * can log it.
 */
export function loadAppConfig(environment: Environment, request: ConfigRequest = {}): LoadedConfig {
  const loaded = loadConfig({
    ...(request.configPath ? { path: request.configPath } : {}),
    env: environment.env,
    cwd: environment.cwd,
    allowMissingEnv: request.allowMissingEnv ?? false,
  });
  const override = environment.env[DATABASE_URL_ENV];
  if (override) {
    const problem = databaseUrlProblem(override);
    if (problem) {
      throw new UserError('config', `${DATABASE_URL_ENV} ${problem}`, {
        exitCode: 78,
        hint: 'set it to sqlite:<path> or mysql://user@host:port/db',
      });
    }
    const target = parseDatabaseUrl(override);
    if (target.dialect === 'mysql' && target.password) loaded.secrets.push(target.password);
    loaded.config.database.url = override;
  }
  for (const secret of loaded.secrets) registerSecret(secret);
  return loaded;
}

export function createAppLogger(
  loaded: LoadedConfig,
  environment: Environment,
  verbose = false,
): Logger {
  return createLogger({
    level: verbose ? 'debug' : loaded.config.logging.level,
    format: loaded.config.logging.format,
    ...(environment.stderr ? { stream: environment.stderr } : {}),
    ...(environment.clock ? { clock: environment.clock } : {}),
  });
}

export function openDatabase(
  loaded: LoadedConfig,
  environment: Environment,
  opts: { createDatabase?: boolean } = {},
) {
  const db = loaded.config.database;
  return Database.open({
    url: db.url,
    cwd: environment.cwd,
    busyTimeoutMs: db.busyTimeoutMs,
    poolSize: db.poolSize,
    connectTimeoutMs: db.connectTimeoutMs,
    createDatabase: opts.createDatabase ?? false,
  });
}

export interface App {
  store: Store;
  audit: AuditLog;
  clock: Clock;
  close(): Promise<void>;
}

/** Opens the store on an up-to-date schema (else SchemaOutOfDateError: run migrate). */
export async function openApp(loaded: LoadedConfig, environment: Environment): Promise<App> {
  const db = await openDatabase(loaded, environment);
  try {
    await db.assertMigrated();
  } catch (error) {
    await db.close();
    throw error;
  }
  return {
    store: createStore(db),
    audit: new AuditLog(db),
    clock: environment.clock ?? systemClock,
    close: () => db.close(),
  };
}
