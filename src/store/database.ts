import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DataSource, type DataSourceOptions, type EntityManager } from 'typeorm';
import { ENTITIES } from './entities/index.js';
import { MIGRATIONS } from './migrations/index.js';
import { describeTarget, parseDatabaseUrl, type DatabaseTarget } from './database-url.js';
import { DatabaseUnavailableError, SchemaOutOfDateError, driverCode } from './errors.js';
import { Mutex } from './mutex.js';
import { toSqliteDate } from './sql-dates.js';

export interface DatabaseOptions {
  url: string;
  /** Resolve relative SQLite paths against this folder (default: process working dir). */
  cwd?: string;
  busyTimeoutMs?: number;
  poolSize?: number;
  connectTimeoutMs?: number;
  /** Create a missing MySQL database (used by `migrate`). */
  createDatabase?: boolean;
}

export type Dialect = DatabaseTarget['dialect'];

/**
 * The one handle on the database. Every store operation goes through `run` or
 * `transaction`: on SQLite they share one connection and are serialised by a mutex; on
 * MySQL they take pool connections and rely on row locks. Keep transactions free of
 * network I/O: on SQLite a slow transaction holds up every other store operation.
 */
export class Database {
  private readonly mutex = new Mutex();

  private constructor(
    readonly dataSource: DataSource,
    readonly target: DatabaseTarget,
  ) {}

  get dialect(): Dialect {
    return this.target.dialect;
  }

  describe(): string {
    return describeTarget(this.target);
  }

  static async open(options: DatabaseOptions): Promise<Database> {
    const target = parseDatabaseUrl(options.url);
    if (target.dialect === 'sqlite' && target.path !== ':memory:') {
      target.path = resolve(options.cwd ?? process.cwd(), target.path);
      mkdirSync(dirname(target.path), { recursive: true });
    }
    try {
      return await Database.connect(target, options);
    } catch (error) {
      if (
        target.dialect === 'mysql' &&
        options.createDatabase &&
        driverCode(error) === 'ER_BAD_DB_ERROR'
      ) {
        await createMysqlDatabase(target, options);
        return Database.connect(target, options);
      }
      throw explainConnectError(target, error);
    }
  }

  private static async connect(
    target: DatabaseTarget,
    options: DatabaseOptions,
  ): Promise<Database> {
    const dataSource = new DataSource(dataSourceOptions(target, options));
    await dataSource.initialize();
    return new Database(dataSource, target);
  }

  /**
   * Runs `fn` in a transaction (serialised with every other store call on SQLite). MySQL
   * transactions run at READ COMMITTED: each statement sees what other replicas committed,
   * so after a unique-key clash (two deliveries of one webhook racing) the loser can read
   * the winner's row; under REPEATABLE READ its older snapshot would not show it.
   */
  transaction<T>(fn: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.dialect === 'sqlite')
      return this.mutex.run(() => this.dataSource.transaction((m) => fn(m)));
    return this.dataSource.transaction('READ COMMITTED', (m) => fn(m));
  }

  /** Runs `fn` outside a transaction (still serialised on SQLite). */
  run<T>(fn: (manager: EntityManager) => Promise<T>): Promise<T> {
    const go = () => fn(this.dataSource.manager);
    return this.dialect === 'sqlite' ? this.mutex.run(go) : go();
  }

  /** Uses the caller's manager when inside a transaction, else a fresh `run`. */
  with<T>(
    manager: EntityManager | undefined,
    fn: (manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    return manager ? fn(manager) : this.run(fn);
  }

  /** A Date as a raw-SQL parameter: typeorm's SQLite text format, or a Date for mysql2. */
  sqlDate(date: Date): Date | string {
    return this.dialect === 'sqlite' ? toSqliteDate(date) : date;
  }

  async pendingMigrations(): Promise<string[]> {
    const ran = new Set<string>();
    const table = this.dataSource.options.migrationsTableName ?? 'migrations';
    const exists = await this.run((m) => m.connection.createQueryRunner().hasTable(table));
    if (exists) {
      const rows: { name: string }[] = await this.run((m) => m.query(`SELECT name FROM ${table}`));
      for (const row of rows) ran.add(row.name);
    }
    return this.dataSource.migrations
      .map((m) => m.name ?? m.constructor.name)
      .filter((n) => !ran.has(n));
  }

  /** Applies pending migrations; returns the names applied (empty when up to date). */
  async migrate(): Promise<string[]> {
    const applied = await this.mutex.run(() =>
      this.dataSource.runMigrations({ transaction: 'each' }),
    );
    return applied.map((m) => m.name);
  }

  /** Refuses to work on a database whose schema is behind this version of changebridge. */
  async assertMigrated(): Promise<void> {
    const pending = await this.pendingMigrations();
    if (pending.length > 0) {
      throw new SchemaOutOfDateError(
        this.describe(),
        pending,
        pending.length === this.dataSource.migrations.length,
      );
    }
  }

  /**
   * SQLite only, for bulk work whose source can be read again (backfill): commits stop
   * waiting for the disk (WAL `synchronous = NORMAL`). A crash of the process loses
   * nothing; a power cut may lose the last commits, cursor included, so they are re-read.
   * Never used for webhook acknowledgements.
   */
  async relaxDurability(): Promise<void> {
    if (this.dialect !== 'sqlite') return;
    await this.dataSource.query('PRAGMA synchronous = NORMAL');
    // Checkpoint the WAL every ~40 MB instead of every 4 MB: fewer syncs of the main file.
    await this.dataSource.query('PRAGMA wal_autocheckpoint = 10000');
  }

  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

function dataSourceOptions(target: DatabaseTarget, options: DatabaseOptions): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    logging: false,
  } as const;
  if (target.dialect === 'sqlite') {
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    return {
      ...common,
      type: 'better-sqlite3',
      database: target.path,
      enableWAL: target.path !== ':memory:',
      timeout: busyTimeoutMs,
      prepareDatabase: (db: { pragma: (sql: string) => unknown }) => {
        db.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
        db.pragma('foreign_keys = ON');
        // 16 MiB of page cache (the default is 2 MiB): random-key inserts into a growing
        // database otherwise keep re-reading index pages.
        db.pragma('cache_size = -16384');
      },
    };
  }
  return {
    ...common,
    type: 'mysql',
    host: target.host,
    port: target.port,
    username: target.user,
    password: target.password,
    database: target.database,
    charset: 'utf8mb4_unicode_ci',
    // Store and read every DATETIME as UTC regardless of the server's time zone.
    timezone: 'Z',
    connectTimeout: options.connectTimeoutMs ?? 10000,
    poolSize: options.poolSize ?? 10,
    bigNumberStrings: false,
    supportBigNumbers: true,
  };
}

async function createMysqlDatabase(
  target: Extract<DatabaseTarget, { dialect: 'mysql' }>,
  options: DatabaseOptions,
): Promise<void> {
  const bare = new DataSource({
    ...(dataSourceOptions(target, options) as DataSourceOptions & { type: 'mysql' }),
    database: undefined,
    entities: [],
    migrations: [],
  });
  try {
    await bare.initialize();
    // Name validated by parseDatabaseUrl: letters, digits, _ and $ only.
    await bare.query(
      `CREATE DATABASE IF NOT EXISTS \`${target.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } catch (error) {
    throw explainConnectError(target, error);
  } finally {
    if (bare.isInitialized) await bare.destroy();
  }
}

function explainConnectError(target: DatabaseTarget, error: unknown): Error {
  if (target.dialect === 'sqlite') {
    return new DatabaseUnavailableError(
      `cannot open SQLite database ${target.path}: ${(error as Error).message}`,
      'check that the folder is writable and database.url names a file (sqlite:./data/changebridge.db)',
      error,
    );
  }
  const where = `${target.host}:${target.port}`;
  const code = driverCode(error);
  const reasons: Record<string, [string, string]> = {
    ECONNREFUSED: [
      `nothing is listening at ${where}`,
      'start the MySQL/MariaDB server or fix host and port in database.url',
    ],
    ENOTFOUND: [`host "${target.host}" cannot be resolved`, 'fix the host name in database.url'],
    EAI_AGAIN: [
      `host "${target.host}" cannot be resolved right now`,
      'check DNS, or use an IP address in database.url',
    ],
    ETIMEDOUT: [
      `connecting to ${where} timed out`,
      'check the server is up and reachable, or raise database.connectTimeoutMs',
    ],
    ER_ACCESS_DENIED_ERROR: [
      `access denied for user "${target.user}" at ${where}`,
      'check the user and the password variable in database.url',
    ],
    ER_DBACCESS_DENIED_ERROR: [
      `user "${target.user}" may not use database "${target.database}"`,
      'grant the user access to the database',
    ],
    ER_BAD_DB_ERROR: [
      `database "${target.database}" does not exist at ${where}`,
      'run `changebridge migrate`, which creates it, or create it yourself',
    ],
  };
  const [what, hint] = reasons[code ?? ''] ?? [
    `cannot connect to MySQL at ${where}: ${(error as Error).message}`,
    'check database.url and that the server is running',
  ];
  return new DatabaseUnavailableError(
    `cannot reach MySQL database "${target.database}": ${what}`,
    hint,
    error,
  );
}

export type { EntityManager };
