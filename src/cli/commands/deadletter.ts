import { InvalidArgumentError, type Command } from 'commander';
import { loadAppConfig, openApp } from '../../main.js';
import type { DeadLetterRow } from '../../store/index.js';
import { EXIT } from '../errors.js';
import { write, type CliIo, type GlobalOptions } from '../io.js';
import { oneLine, textTable } from '../table.js';

/**
 * `deadletter list|retry`: inspect inbox events and outbox commands that failed for good,
 * and put them back in line once the cause is fixed (docs/dead-letters.md).
 */
export function registerDeadLetter(
  program: Command,
  io: CliIo,
  run: (fn: () => Promise<number>) => void,
): void {
  const group = program
    .command('deadletter')
    .description('events and write-backs that failed for good, and putting them back in line');

  const withApp = async <T>(fn: (app: Awaited<ReturnType<typeof openApp>>) => Promise<T>) => {
    const opts = program.opts<GlobalOptions>();
    const loaded = loadAppConfig(io, opts.config ? { configPath: opts.config } : {});
    const app = await openApp(loaded, io);
    try {
      return await fn(app);
    } finally {
      await app.close();
    }
  };

  group
    .command('list')
    .description('list dead letters, newest first (not yet retried unless --all)')
    .option('--all', 'include dead letters already retried')
    .option('--json', 'print JSON lines with the full reason and payload')
    .option('--limit <n>', 'show at most n (default 100)', positiveInt, 100)
    .addHelpText(
      'after',
      '\nExamples:\n  $ changebridge deadletter list\n  $ changebridge deadletter list --all --json | jq .reason',
    )
    .action((cmd: { all?: boolean; json?: boolean; limit: number }) =>
      run(() =>
        withApp(async (app) => {
          const rows = await app.store.deadLetters.list({
            limit: cmd.limit,
            includeRetried: cmd.all ?? false,
          });
          if (cmd.json) {
            for (const row of rows) write(io.stdout, JSON.stringify(toJson(row)));
          } else if (rows.length === 0) {
            write(io.stdout, cmd.all ? 'no dead letters' : 'no dead letters waiting for a retry');
          } else {
            write(io.stdout, table(rows, cmd.all ?? false));
          }
          return EXIT.ok;
        }),
      ),
    );

  group
    .command('retry')
    .description('put dead letters back in line, due now (after fixing their cause)')
    .argument(
      '<id...>',
      'dead letter ids, as `deadletter list` shows them',
      (v, prev: number[] = []) => [...prev, positiveInt(v)],
    )
    .addHelpText('after', '\nExamples:\n  $ changebridge deadletter retry 12 13')
    .action((ids: number[]) =>
      run(() =>
        withApp(async (app) => {
          let failed = 0;
          for (const id of ids) {
            try {
              const letter = await app.store.deadLetters.retry(id, app.clock.now());
              write(
                io.stdout,
                `dead letter ${id}: ${letter.origin} ${letter.originId} is back in line`,
              );
            } catch (error) {
              failed += 1;
              write(io.stderr, error instanceof Error ? error.message : String(error));
            }
          }
          return failed > 0 ? EXIT.failed : EXIT.ok;
        }),
      ),
    );
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError(`"${value}" is not a positive whole number`);
  }
  return n;
}

function toJson(row: DeadLetterRow) {
  return {
    id: row.id,
    origin: row.origin,
    originId: row.originId,
    attempts: row.attempts,
    createdAt: row.createdAt.toISOString(),
    retriedAt: row.retriedAt?.toISOString() ?? null,
    reason: row.reason,
    payload: row.payload,
  };
}

const REASON_WIDTH = 80;

function table(rows: DeadLetterRow[], all: boolean): string {
  const header = [
    'id',
    'origin',
    'origin id',
    'attempts',
    'created',
    ...(all ? ['retried'] : []),
    'reason',
  ];
  const body = rows.map((r) => [
    String(r.id),
    r.origin,
    String(r.originId),
    String(r.attempts),
    r.createdAt.toISOString(),
    ...(all ? [r.retriedAt?.toISOString() ?? '-'] : []),
    oneLine(r.reason, REASON_WIDTH),
  ]);
  return textTable(header, body);
}
