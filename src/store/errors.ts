import { ChangebridgeError, type ChangebridgeErrorOptions } from '../runtime/errors.js';

/**
 * Store errors a person can act on. `exitCode` follows sysexits: 69 (EX_UNAVAILABLE) for a
 * database that cannot be reached, 78 (EX_CONFIG) for a schema that needs `migrate`.
 */
export class StoreError extends ChangebridgeError {
  override name = 'StoreError';

  constructor(message: string, options: ChangebridgeErrorOptions = {}) {
    super('store', message, options);
  }
}

export class DatabaseUnavailableError extends StoreError {
  override name = 'DatabaseUnavailableError';

  constructor(message: string, hint: string, cause: unknown) {
    super(message, { exitCode: 69, hint, cause });
  }
}

export class SchemaOutOfDateError extends StoreError {
  override name = 'SchemaOutOfDateError';
  readonly pending: string[];

  constructor(where: string, pending: string[], empty = false) {
    super(
      (empty ? `${where} has no changebridge schema yet` : `${where} is at an older schema`) +
        `: ${pending.length} migration(s) pending (${pending.join(', ')}). ` +
        'Run `changebridge migrate` to bring it up to date.',
      { exitCode: 78, hint: 'changebridge migrate' },
    );
    this.pending = pending;
  }
}

/** Driver error codes, read without trusting the error's shape. */
export function driverCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isUniqueViolation(error: unknown): boolean {
  const code = driverCode(error);
  return (
    code === 'ER_DUP_ENTRY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

/**
 * A transaction lost a lock race and was rolled back whole: MySQL/MariaDB deadlock or lock
 * wait timeout ("try restarting transaction"), SQLite busy. Running it again is correct.
 */
export function isLockConflict(error: unknown): boolean {
  const code = driverCode(error);
  return (
    code === 'ER_LOCK_DEADLOCK' ||
    code === 'ER_LOCK_WAIT_TIMEOUT' ||
    code === 'SQLITE_BUSY' ||
    code === 'SQLITE_BUSY_SNAPSHOT'
  );
}

/** Runs a whole transaction again (up to `attempts` times) when it lost a lock race. */
export async function retryLockConflicts<T>(run: () => Promise<T>, attempts = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await run();
    } catch (error) {
      if (i >= attempts || !isLockConflict(error)) throw error;
      // Short, growing and jittered: the other transaction usually commits within ms.
      await new Promise((r) => setTimeout(r, 20 * 2 ** i + Math.random() * 30));
    }
  }
}
