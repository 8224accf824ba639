/**
 * `database.url` forms (DESIGN §10): `sqlite:<path>` (relative to the working directory;
 * `sqlite:///abs/path` is accepted as a common spelling of `sqlite:/abs/path`),
 * `sqlite::memory:`, and `mysql://user[:password]@host[:port]/db` (`mariadb://` too; same
 * driver, mysql2). This file is the one parser: the config schema validates with
 * `databaseUrlProblem`, the store connects with `parseDatabaseUrl`.
 */
export type DatabaseTarget =
  | { dialect: 'sqlite'; path: string }
  | {
      dialect: 'mysql';
      host: string;
      port: number;
      user: string;
      password: string;
      database: string;
    };

export const DATABASE_URL_EXPECTED = 'sqlite:<path> or mysql://user@host:port/db';

type Parsed = { target: DatabaseTarget } | { problem: string };

function parse(url: string): Parsed {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\//, '');
    return path === '' ? { problem: 'has no file path' } : { target: { dialect: 'sqlite', path } };
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url)?.[1];
  if (scheme === undefined) return { problem: 'is not a database URL' };
  if (scheme !== 'mysql' && scheme !== 'mariadb')
    return { problem: `has unsupported scheme "${scheme}:"` };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { problem: 'is not a valid URL' };
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (parsed.hostname === '') return { problem: 'has no host' };
  if (parsed.username === '') return { problem: 'has no user name' };
  if (database === '' || database.includes('/')) return { problem: 'has no database name' };
  if (!/^[A-Za-z0-9_$]+$/.test(database)) {
    return {
      problem: `has database name "${database}" with characters other than letters, digits, "_" or "$"`,
    };
  }
  if (parsed.search !== '' || parsed.hash !== '')
    return { problem: 'has query parameters, which are not supported' };
  return {
    target: {
      dialect: 'mysql',
      host: parsed.hostname,
      port: parsed.port === '' ? 3306 : Number(parsed.port),
      user: decodeURIComponent(parsed.username),
      password: decodeURIComponent(parsed.password),
      database,
    },
  };
}

export class DatabaseUrlError extends Error {
  readonly exitCode = 78;
  constructor(url: string, why: string) {
    super(
      `[changebridge/store] database.url "${maskDatabaseUrl(url)}" ${why} (expected ${DATABASE_URL_EXPECTED})`,
    );
    this.name = 'DatabaseUrlError';
  }
}

/** Why `url` is unusable, or undefined when it is fine. Never quotes the URL (it may hold a password). */
export function databaseUrlProblem(url: string): string | undefined {
  const result = parse(url);
  return 'problem' in result ? result.problem : undefined;
}

export function parseDatabaseUrl(url: string): DatabaseTarget {
  const result = parse(url);
  if ('problem' in result) throw new DatabaseUrlError(url, result.problem);
  return result.target;
}

/** The URL with any password replaced by `****`, safe for messages and logs. */
export function maskDatabaseUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*):[^@/]*@/i, '$1:****@');
}

export function describeTarget(target: DatabaseTarget): string {
  return target.dialect === 'sqlite'
    ? `SQLite database ${target.path}`
    : `MySQL database "${target.database}" at ${target.host}:${target.port}`;
}
