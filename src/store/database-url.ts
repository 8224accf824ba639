/**
 * Parses `database.url`: `sqlite:<path>` (relative to the working directory),
 * `sqlite::memory:`, or `mysql://user[:password]@host[:port]/database` (`mariadb://` too).
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
      params: Record<string, string>;
    };

export class DatabaseUrlError extends Error {
  constructor(url: string, why: string) {
    super(
      `[changebridge/store] database.url "${maskDatabaseUrl(url)}" ${why} (expected sqlite:<path> or mysql://user@host:port/db)`,
    );
    this.name = 'DatabaseUrlError';
  }
}

export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (!path) throw new DatabaseUrlError(url, 'names no file');
    return { dialect: 'sqlite', path };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DatabaseUrlError(url, 'is not a URL');
  }
  if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'mariadb:') {
    throw new DatabaseUrlError(url, `has unsupported scheme "${parsed.protocol}"`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!database) throw new DatabaseUrlError(url, 'names no database');
  if (!/^[A-Za-z0-9_$]+$/.test(database)) {
    throw new DatabaseUrlError(
      url,
      `has database name "${database}" with characters other than letters, digits, "_" or "$"`,
    );
  }
  const params: Record<string, string> = {};
  parsed.searchParams.forEach((v, k) => (params[k] = v));
  return {
    dialect: 'mysql',
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 3306,
    user: decodeURIComponent(parsed.username) || 'root',
    password: decodeURIComponent(parsed.password),
    database,
    params,
  };
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
