/**
 * Store errors a person can act on. `exitCode` follows sysexits: 69 (EX_UNAVAILABLE) for a
 * database that cannot be reached, 78 (EX_CONFIG) for a schema that needs `migrate`.
 */
export class StoreError extends Error {
  readonly exitCode: number;
  readonly hint: string | undefined;

  constructor(
    message: string,
    options: { exitCode?: number; hint?: string; cause?: unknown } = {},
  ) {
    super(
      `[changebridge/store] ${message}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'StoreError';
    this.exitCode = options.exitCode ?? 1;
    this.hint = options.hint;
  }
}

export class DatabaseUnavailableError extends StoreError {
  constructor(message: string, hint: string, cause: unknown) {
    super(message, { exitCode: 69, hint, cause });
    this.name = 'DatabaseUnavailableError';
  }
}

export class SchemaOutOfDateError extends StoreError {
  readonly pending: string[];

  constructor(where: string, pending: string[]) {
    super(
      `${where} is at an older schema: ${pending.length} migration(s) pending (${pending.join(', ')}). ` +
        'Run `changebridge migrate` to bring it up to date.',
      { exitCode: 78, hint: 'changebridge migrate' },
    );
    this.name = 'SchemaOutOfDateError';
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
