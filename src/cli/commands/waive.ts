import { InvalidArgumentError, type Command } from 'commander';
import { parseUntil, waiveFinding } from '../../composition/governance/index.js';
import { systemClock } from '../../runtime/index.js';
import { EXIT } from '../errors.js';
import { write, type CliIo, type GlobalOptions } from '../io.js';
import { openSyncRuntime } from './sync-app.js';

interface WaiveOptions {
  reason: string;
  until: Date;
  by: string;
  json?: boolean;
}

/**
 * `waive <finding-id>`: accept a finding for a while, on the record (DESIGN §6). The
 * waiver and its audit event commit together; then the change is re-planned so Jira,
 * ServiceNow and the pull request stop showing the finding. It re-opens when `--until`
 * passes.
 */
export function registerWaive(
  program: Command,
  io: CliIo,
  run: (fn: () => Promise<number>) => void,
): void {
  const clock = io.clock ?? systemClock;
  program
    .command('waive')
    .description('waive a finding until a date, with a reason, on the audit trail')
    .argument('<finding-id>', 'as `changebridge findings list` shows it')
    .requiredOption('--reason <text>', 'why the finding is accepted (recorded as given)', (v) =>
      nonEmpty(v, '--reason', 'say why the finding is accepted'),
    )
    .requiredOption(
      '--until <when>',
      'when the waiver ends: 2026-12-01 (midnight UTC), 2026-12-01T12:00Z, or a duration: 12h, 7d, 2w',
      (v) => future(v, clock.now()),
    )
    .requiredOption('--by <person>', 'who waives it: a name or email (recorded as given)', (v) =>
      nonEmpty(v, '--by', 'name the person who takes responsibility'),
    )
    .option('--json', 'print the waived finding as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ changebridge waive 'approval-required|2b0e…' --reason "CAB approved by mail, ticket OPS-12" --until 7d --by jane@example.com
  $ changebridge waive 'freeze-window|2b0e…' --reason "hotfix agreed with the release manager" --until 2026-12-01 --by "Jane Doe"

Exit codes: 0 waived and re-planned, 1 unknown or resolved finding (or re-planning failed), 64 bad arguments`,
    )
    .action((findingId: string, cmd: WaiveOptions) =>
      run(async () => {
        const runtime = await openSyncRuntime(io, program.opts<GlobalOptions>());
        try {
          const { app } = runtime;
          const { finding, subject } = await waiveFinding(
            { store: app.store, audit: app.audit, clock: app.clock },
            { findingId, by: cmd.by, reason: cmd.reason, until: cmd.until },
          );
          const until = cmd.until.toISOString();
          let enqueued: number | null = null;
          let failure: string | null = null;
          if (finding.changeId) {
            try {
              enqueued = await runtime.reevaluate([finding.changeId]);
            } catch (error) {
              failure = error instanceof Error ? error.message : String(error);
            }
          }
          if (cmd.json) {
            write(
              io.stdout,
              JSON.stringify(
                {
                  finding: finding.id,
                  change: subject,
                  policy: finding.policy,
                  status: finding.status,
                  waiver: { by: cmd.by, reason: cmd.reason, until },
                  replanned: enqueued,
                },
                null,
                2,
              ),
            );
          } else {
            write(io.stdout, `waived ${finding.id} on ${subject} until ${until} (by ${cmd.by})`);
            if (enqueued !== null)
              write(io.stdout, `re-planned ${subject}: ${enqueued} write-back command(s) queued`);
          }
          if (failure) {
            write(
              io.stderr,
              `[changebridge/waive] the waiver is stored, but re-planning ${subject} failed: ${failure}\n` +
                '  fix: the scheduled `policies` job re-plans it; see the daemon log if it keeps failing',
            );
            return EXIT.failed;
          }
          return EXIT.ok;
        } finally {
          await runtime.app.close();
        }
      }),
    );
}

function nonEmpty(value: string, option: string, fix: string): string {
  const text = value.trim();
  if (!text) throw new InvalidArgumentError(`${option} is empty: ${fix}`);
  return text;
}

function future(value: string, now: Date): Date {
  const until = parseUntil(value, now);
  if (!until) {
    throw new InvalidArgumentError(
      `"${value}" is neither a date (2026-12-01, 2026-12-01T12:00Z) nor a duration (12h, 7d, 2w)`,
    );
  }
  if (until.getTime() <= now.getTime()) {
    throw new InvalidArgumentError(
      `"${value}" (${until.toISOString()}) is not in the future; a waiver must end later than now`,
    );
  }
  return until;
}
