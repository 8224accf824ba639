import { InvalidArgumentError, type Command } from 'commander';
import { hostname } from 'node:os';
import { startDaemon } from '../../composition/daemon.js';
import { loadAppConfig } from '../../main.js';
import { UserError } from '../../runtime/index.js';
import { EXIT } from '../errors.js';
import { write, type CliIo, type GlobalOptions } from '../io.js';
import { openSyncRuntime, untilSignalled } from './sync-app.js';

/**
 * `run`: the daemon (webhooks, schedules, processing, write-back) until SIGINT/SIGTERM;
 * `sync --once`: one poll → process → write-back pass for external schedulers.
 */
export function registerRun(
  program: Command,
  io: CliIo,
  run: (fn: () => Promise<number>) => void,
): void {
  program
    .command('run')
    .description('run the sync daemon: webhooks, schedules, processing and write-back')
    .option('--host <host>', 'listen on this interface (default: server.host)')
    .option('--port <port>', 'listen on this port (default: server.port; 0 picks a free one)', port)
    .option('--no-initial-poll', 'wait for the poll schedule instead of polling at start')
    .addHelpText(
      'after',
      '\nStops gracefully on SIGTERM or Ctrl-C: webhooks in flight are stored, running jobs,\nevents and write-backs finish.\n\nExamples:\n  $ changebridge run\n  $ changebridge run --config /etc/changebridge/config.yaml --port 9000',
    )
    .action((cmd: { host?: string; port?: number; initialPoll: boolean }) =>
      run(async () => {
        const opts = program.opts<GlobalOptions>();
        const configured = loadAppConfig(io, opts.config ? { configPath: opts.config } : {});
        const port = cmd.port ?? configured.config.server.port;
        // Stable across restarts (one daemon per host and port): a restarted daemon takes
        // its leases and claimed rows back at once instead of waiting for them to expire.
        const workerId = port > 0 ? `${hostname()}:${port}` : undefined;
        const runtime = await openSyncRuntime(io, opts, workerId, configured);
        const server = runtime.loaded.config.server;
        try {
          const daemon = await startDaemon(runtime, {
            host: cmd.host ?? server.host,
            port,
            pollAtStart: cmd.initialPoll,
          });
          write(io.stdout, `changebridge is running on ${daemon.url} (Ctrl-C to stop)`);
          const why = await untilSignalled();
          write(io.stdout, `${why}: stopping after in-flight work…`);
          await daemon.stop();
          write(io.stdout, 'stopped.');
          return EXIT.ok;
        } finally {
          await runtime.app.close();
        }
      }),
    );

  program
    .command('sync')
    .description('one sync pass and exit: poll, process the inbox, write back (for cron, CI)')
    .requiredOption('--once', 'run one pass (the only mode: `run` is the daemon)')
    .option('--connection <name>', 'poll only this connection (processing covers every event)')
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      '\nExit code 0 when every stream polled and nothing was dead-lettered, 1 otherwise.\n\nExamples:\n  $ changebridge sync --once\n  $ changebridge sync --once --connection jira --json',
    )
    .action((cmd: { connection?: string; json?: boolean }) =>
      run(async () => {
        const runtime = await openSyncRuntime(io, program.opts<GlobalOptions>());
        try {
          if (cmd.connection && !runtime.connectors.some((c) => c.connection === cmd.connection)) {
            throw new UserError('sync', `no connection named "${cmd.connection}"`, {
              exitCode: EXIT.usage,
              hint: `configured connections: ${runtime.connectors.map((c) => c.connection).join(', ') || 'none'}`,
            });
          }
          const s = await runtime.syncOnce(cmd.connection);
          const failed = s.polled.filter((p) => p.error);
          if (cmd.json) write(io.stdout, JSON.stringify(s));
          else {
            for (const p of s.polled) {
              write(
                io.stdout,
                `poll ${p.connection}/${p.stream}: ${p.error ? `FAILED ${p.error}` : `${p.events} new, ${p.duplicates} already seen`}`,
              );
            }
            write(
              io.stdout,
              `processed ${s.processed.applied} applied, ${s.processed.ignored} ignored, ${s.processed.retried} to retry, ${s.processed.dead} dead-lettered`,
            );
            write(
              io.stdout,
              `write-back ${s.dispatched.done} written, ${s.dispatched.skipped} already so, ${s.dispatched.retried} to retry, ${s.dispatched.dead} dead-lettered`,
            );
          }
          return failed.length > 0 || s.processed.dead + s.dispatched.dead > 0
            ? EXIT.failed
            : EXIT.ok;
        } finally {
          await runtime.app.close();
        }
      }),
    );
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('expected a port number 0-65535');
  return n;
}
