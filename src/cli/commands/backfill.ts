import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { backfill, type BackfillProgress } from '../../sync/backfill.js';
import { EMPTY_POLICY_SET, syncSettings } from '../../sync/index.js';
import { UserError } from '../../runtime/index.js';
import { EXIT } from '../errors.js';
import { write, type CliIo, type GlobalOptions } from '../io.js';
import { openSyncRuntime, untilSignalled } from './sync-app.js';

/**
 * `backfill`: import every record of every stream (or one connection's) into canonical
 * rows, page by page, resumable. A progress bar on a terminal, a log line every few
 * seconds otherwise.
 */
export function registerBackfill(
  program: Command,
  io: CliIo,
  run: (fn: () => Promise<number>) => void,
): void {
  program
    .command('backfill')
    .description('import existing records of every connection into canonical rows (resumable)')
    .option('--connection <name>', 'only this connection')
    .option('--from-start', 'ignore stored cursors and read everything again')
    .addHelpText(
      'after',
      '\nWrite-backs it plans are queued in the outbox for the daemon (`changebridge run`).\n\nExamples:\n  $ changebridge backfill\n  $ changebridge backfill --connection jira --from-start',
    )
    .action((cmd: { connection?: string; fromStart?: boolean }) =>
      run(async () => {
        const runtime = await openSyncRuntime(io, program.opts<GlobalOptions>());
        const abort = new AbortController();
        void untilSignalled(abort.signal).then(() => abort.abort());
        try {
          const connectors = cmd.connection
            ? runtime.connectors.filter((c) => c.connection === cmd.connection)
            : runtime.connectors;
          if (connectors.length === 0) {
            throw new UserError(
              'backfill',
              cmd.connection
                ? `no connection named "${cmd.connection}"`
                : 'no connections are configured',
              { exitCode: EXIT.usage, hint: 'add a connections: block to the config file' },
            );
          }
          const tty = Boolean((io.stdout as NodeJS.WriteStream).isTTY);
          const started = Date.now();
          const bar = tty
            ? new SingleBar({
                format: '{stream} | {total} records | {rate} records/s | {failed} failed',
                stream: io.stdout as NodeJS.WriteStream,
                hideCursor: true,
              })
            : null;
          bar?.start(1, 0, { stream: '', total: 0, rate: 0, failed: 0 });
          let lastLog = 0;
          let failed = 0;
          const onProgress = (p: BackfillProgress) => {
            const rate = Math.round(p.total / Math.max(0.001, (Date.now() - started) / 1000));
            const fields = {
              stream: `${p.connection}/${p.stream}`,
              total: p.total,
              rate,
              failed: failed + p.failed,
            };
            if (bar) bar.update(0, fields);
            else if (Date.now() - lastLog > 5000) {
              lastLog = Date.now();
              runtime.logger.info('backfill.progress', { ...fields, records: p.records });
            }
          };
          const results = await backfill({
            store: runtime.app.store,
            audit: runtime.app.audit,
            mappings: runtime.mappings,
            settings: syncSettings(runtime.loaded.config),
            policy: EMPTY_POLICY_SET,
            clock: runtime.app.clock,
            logger: runtime.logger,
            connectors,
            describeUsers: runtime.describeUsers,
            fromStart: cmd.fromStart ?? false,
            signal: abort.signal,
            onProgress: (p) => {
              onProgress(p);
            },
          });
          bar?.stop();
          for (const r of results) {
            failed += r.failed;
            write(
              io.stdout,
              `${r.connection}/${r.stream}: ${r.records} records (${r.applied} applied, ${r.ignored} ignored, ${r.failed} failed) in ${(r.ms / 1000).toFixed(1)} s`,
            );
            for (const f of r.failures.slice(0, 5))
              write(io.stdout, `  failed ${f.record}: ${f.reason}`);
          }
          if (failed > 0)
            write(
              io.stdout,
              `${failed} record(s) failed; they are in the inbox for retry (see \`changebridge deadletter list\` if they keep failing).`,
            );
          return failed > 0 ? EXIT.failed : EXIT.ok;
        } finally {
          abort.abort();
          await runtime.app.close();
        }
      }),
    );
}
