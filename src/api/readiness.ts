/** What `GET /readyz` reports: `ok` decides 200 vs 503, `detail` says why. */
export interface Readiness {
  ok: boolean;
  detail: string;
}

/** The part of `Database` readiness needs (a structural type keeps tests honest and small). */
export interface MigratableDatabase {
  pendingMigrations(): Promise<string[]>;
}

/**
 * Ready = the database answers and its schema is current. `pendingMigrations()` queries the
 * migrations table, so it doubles as the connectivity probe. A hung database must not hang
 * the probe: after `timeoutMs` the answer is "not ready".
 */
export function databaseReadiness(
  db: MigratableDatabase,
  options: { timeoutMs?: number } = {},
): () => Promise<Readiness> {
  const timeoutMs = options.timeoutMs ?? 2000;
  return async () => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<Readiness>((resolve) => {
      timer = setTimeout(
        () => resolve({ ok: false, detail: `database did not answer within ${timeoutMs} ms` }),
        timeoutMs,
      );
    });
    const probe = db.pendingMigrations().then(
      (pending): Readiness =>
        pending.length === 0
          ? { ok: true, detail: 'database reachable, schema up to date' }
          : {
              ok: false,
              detail: `${pending.length} pending migration(s): ${pending.join(', ')}; run \`changebridge migrate\``,
            },
      (error: unknown): Readiness => ({
        ok: false,
        detail: `database unreachable: ${error instanceof Error ? error.message : String(error)}`,
      }),
    );
    try {
      return await Promise.race([probe, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}
