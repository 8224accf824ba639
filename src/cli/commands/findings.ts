import { InvalidArgumentError, type Command } from 'commander';
import { listFindings, type ListedFinding } from '../../composition/governance/index.js';
import { loadAppConfig, openApp } from '../../main.js';
import { FINDING_STATUSES, isFindingStatus, type FindingStatus } from '../../model/index.js';
import { EXIT } from '../errors.js';
import { write, type CliIo, type GlobalOptions } from '../io.js';
import { oneLine, textTable } from '../table.js';

/**
 * `findings list`: what governance found, so people can read it and copy a finding id to
 * `changebridge waive` (docs/policies.md).
 */
export function registerFindings(
  program: Command,
  io: CliIo,
  run: (fn: () => Promise<number>) => void,
): void {
  const group = program
    .command('findings')
    .description('governance findings: what the policies found on each change');
  group
    .command('list')
    .description('list findings (open ones unless --status says otherwise), by change key')
    .option('--change <key>', 'only this change (e.g. CHG0030001)')
    .option(
      '--status <status>',
      `${FINDING_STATUSES.join(', ')} or all (default open)`,
      statusOption,
      'open' as FindingStatus | 'all',
    )
    .option('--policy <id>', 'only this rule (e.g. approval-required)')
    .option('--json', 'print a JSON array with every field')
    .addHelpText(
      'after',
      '\nExamples:\n  $ changebridge findings list\n  $ changebridge findings list --change CHG0030001 --status all\n  $ changebridge findings list --policy approval-required --json | jq -r ".[].id"',
    )
    .action(
      (cmd: { change?: string; status: FindingStatus | 'all'; policy?: string; json?: boolean }) =>
        run(async () => {
          const opts = program.opts<GlobalOptions>();
          const loaded = loadAppConfig(io, opts.config ? { configPath: opts.config } : {});
          const app = await openApp(loaded, io);
          try {
            const found = await listFindings(
              app.store,
              {
                status: cmd.status,
                ...(cmd.change ? { change: cmd.change } : {}),
                ...(cmd.policy ? { policy: cmd.policy } : {}),
              },
              app.clock.now(),
            );
            if (cmd.json) write(io.stdout, JSON.stringify(found.map(toJson), null, 2));
            else if (found.length === 0)
              write(io.stdout, `no ${cmd.status === 'all' ? '' : `${cmd.status} `}findings`);
            else write(io.stdout, table(found));
            return EXIT.ok;
          } finally {
            await app.close();
          }
        }),
    );
}

function statusOption(value: string): FindingStatus | 'all' {
  if (value === 'all' || isFindingStatus(value)) return value;
  throw new InvalidArgumentError(`"${value}" is not one of ${FINDING_STATUSES.join(', ')}, all`);
}

function toJson(f: ListedFinding) {
  return {
    id: f.id,
    change: f.changeKey,
    changeId: f.changeId,
    subject: f.subject,
    policy: f.policy,
    severity: f.severity,
    blocking: f.blocking,
    status: f.status,
    message: f.message,
    evidence: f.evidence,
    firstSeenAt: f.firstSeenAt.toISOString(),
    lastSeenAt: f.lastSeenAt.toISOString(),
    resolvedAt: f.resolvedAt?.toISOString() ?? null,
    waiver: f.waiver
      ? { ...f.waiver, until: f.waiver.until?.toISOString() ?? null, inForce: f.waiverInForce }
      : null,
  };
}

const MESSAGE_WIDTH = 60;

function table(rows: readonly ListedFinding[]): string {
  const header = ['id', 'change', 'policy', 'severity', 'blocking', 'status', 'message'];
  const body = rows.map((f) => [
    f.id,
    f.changeKey ?? f.subject,
    f.policy,
    f.severity,
    f.blocking ? 'yes' : 'no',
    f.status === 'waived' && !f.waiverInForce ? 'waived (expired)' : f.status,
    oneLine(f.message, MESSAGE_WIDTH),
  ]);
  return textTable(header, body);
}
