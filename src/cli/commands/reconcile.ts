import type { Command } from 'commander';
import { UserError } from '../../runtime/index.js';
import { EXIT } from '../errors.js';
import { write, type CliIo, type GlobalOptions } from '../io.js';
import { openSyncRuntime, untilSignalled } from './sync-app.js';

/**
 * `reconcile`: one drift reconciliation run on demand (DESIGN §7): every linked change is
 * compared with what each system says now, and recent production activity is checked for
 * an approved change. `--dry-run` only reports.
 */
export function registerReconcile(
  program: Command,
  io: CliIo,
  run: (fn: () => Promise<number>) => void,
): void {
  program
    .command('reconcile')
    .description('compare every linked change with what each system says now; record drift')
    .option('--dry-run', 'report what is found; store nothing and correct nothing')
    .option('--since <date>', 'only changes updated (and activity) since this ISO date/time')
    .option('--json', 'print the summary and findings as JSON')
    .addHelpText(
      'after',
      '\nFindings: drift-field, drift-state, drift-approval, drift-orphan, unauthorised-change (docs/reconciliation.md).\nExit codes: 0 nothing found, 1 discrepancies found (new or still open; dry run too), 64 usage.\n\nExamples:\n  $ changebridge reconcile --dry-run\n  $ changebridge reconcile --since 2026-11-01 --json',
    )
    .action((cmd: { dryRun?: boolean; since?: string; json?: boolean }) =>
      run(async () => {
        const since = cmd.since === undefined ? undefined : parseSince(cmd.since);
        const runtime = await openSyncRuntime(io, program.opts<GlobalOptions>());
        const abort = new AbortController();
        void untilSignalled(abort.signal).then(() => abort.abort());
        try {
          const r = await runtime.reconcile({
            dryRun: Boolean(cmd.dryRun),
            ...(since ? { since } : {}),
            signal: abort.signal,
          });
          if (cmd.json) {
            write(io.stdout, JSON.stringify(r, null, 2));
          } else {
            write(
              io.stdout,
              `reconcile ${r.dryRun ? '(dry run) ' : ''}${r.run}: ${r.checked} change(s) checked, ${r.recordsRead} record(s) read with ${r.apiCalls} API call(s) in ${(r.ms / 1000).toFixed(1)} s; ${r.found} discrepanc${r.found === 1 ? 'y' : 'ies'} (${r.opened} new, ${r.resolved} resolved), ${r.corrections} correction(s) queued`,
            );
            for (const f of r.findings)
              write(io.stdout, `  ${f.policy.padEnd(19)} ${f.subject.padEnd(16)} ${f.message}`);
          }
          return r.found > 0 ? EXIT.failed : EXIT.ok;
        } finally {
          abort.abort();
          await runtime.app.close();
        }
      }),
    );
}

function parseSince(value: string): Date {
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(d.getTime()))
    throw new UserError('reconcile', `--since "${value}" is not a date`, {
      exitCode: EXIT.usage,
      hint: 'write an ISO date such as 2026-11-01 or 2026-11-01T12:00Z',
    });
  return d;
}
