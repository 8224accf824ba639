import { InvalidArgumentError, type Command } from 'commander';
import { governanceSettings, governanceFromConfig } from '../../composition/governance.js';
import {
  listRuleSets,
  replayPolicies,
  type ReplayEntry,
  type ReplayReport,
} from '../../composition/governance/index.js';
import { loadAppConfig, openApp } from '../../main.js';
import { ChangebridgeError, systemClock } from '../../runtime/index.js';
import { parseIsoInstant } from '../../util/instant.js';
import { EXIT } from '../errors.js';
import { write, type CliIo, type GlobalOptions } from '../io.js';

const DAY_MS = 86_400_000;
const DEFAULT_REPLAY_DAYS = 30;

/**
 * `policy replay|list`: what the configured rules are, and what they would conclude about
 * recent changes if they ran now (a dry run: nothing is stored, audited or written back).
 */
export function registerPolicy(
  program: Command,
  io: CliIo,
  run: (fn: () => Promise<number>) => void,
): void {
  const group = program
    .command('policy')
    .description('the governance rules: list them, replay them over recent changes');
  const config = () => {
    const opts = program.opts<GlobalOptions>();
    return loadAppConfig(io, opts.config ? { configPath: opts.config } : {});
  };

  group
    .command('replay')
    .description(
      'dry run: which findings the current rules would open or resolve on changes updated in a period',
    )
    .option(
      '--from <iso>',
      `start of the period (default: ${DEFAULT_REPLAY_DAYS} days before --to)`,
      instant('--from'),
    )
    .option(
      '--to <iso>',
      'end of the period (default: now); the rules are evaluated at min(--to, now)',
      instant('--to'),
    )
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ changebridge policy replay\n  $ changebridge policy replay --from 2026-10-01 --to 2026-11-01 --json | jq .totals\n  $ changebridge --config proposed-rules.yaml policy replay     what a rule change would do',
    )
    .action((cmd: { from?: Date; to?: Date; json?: boolean }) =>
      run(async () => {
        const loaded = config();
        const clock = io.clock ?? systemClock;
        const to = cmd.to ?? clock.now();
        const from = cmd.from ?? new Date(to.getTime() - DEFAULT_REPLAY_DAYS * DAY_MS);
        if (from.getTime() > to.getTime()) {
          throw new ChangebridgeError(
            'policy',
            `--from ${from.toISOString()} is after --to ${to.toISOString()}`,
            { exitCode: EXIT.usage, hint: 'swap them, or leave --from out (30 days before --to)' },
          );
        }
        const app = await openApp(loaded, io);
        try {
          const report = await replayPolicies(
            { store: app.store, policy: governanceFromConfig(loaded.config), clock: app.clock },
            { from, to },
          );
          write(io.stdout, cmd.json ? JSON.stringify(report, null, 2) : describeReplay(report));
          return EXIT.ok;
        } finally {
          await app.close();
        }
      }),
    );

  group
    .command('list')
    .description(
      'the rule set of each tenant: every rule, on or off, severity, blocking, parameters',
    )
    .option('--json', 'print the rule sets as JSON')
    .addHelpText(
      'after',
      "\nExamples:\n  $ changebridge policy list\n  $ changebridge policy list --json | jq '.[0].rules[] | select(.enabled)'",
    )
    .action((cmd: { json?: boolean }) =>
      run(async () => {
        const { config: c } = config();
        const sets = listRuleSets(governanceSettings(c).ruleSets, Object.keys(c.policies.sets));
        if (cmd.json) {
          write(io.stdout, JSON.stringify(sets, null, 2));
          return EXIT.ok;
        }
        const lines: string[] = [];
        for (const set of sets) {
          lines.push(`rule set ${set.name} (version ${set.version})`);
          for (const r of set.rules) {
            lines.push(
              `  ${r.enabled ? 'on ' : 'off'}  ${r.id.padEnd(24)} ${r.severity.padEnd(8)} ${r.blocking ? 'blocking' : 'advisory'}  v${r.version}  ${JSON.stringify(r.params)}`,
            );
          }
        }
        write(io.stdout, lines.join('\n'));
        return EXIT.ok;
      }),
    );
}

function instant(option: string) {
  return (value: string): Date => {
    const at = parseIsoInstant(value);
    if (!at) {
      throw new InvalidArgumentError(
        `${option} "${value}" is not an ISO date or date-time (2026-11-01, 2026-11-01T12:00Z)`,
      );
    }
    return at;
  };
}

function describeReplay(report: ReplayReport): string {
  const entry = (sign: string, verb: string) => (e: ReplayEntry) =>
    `  ${sign} would ${verb} ${e.finding} (${e.severity}${e.blocking ? ', blocking' : ''}${e.transition === 'opened' || e.transition === 'resolved' ? '' : `, ${e.transition.replace('_', ' ')}`}): ${e.message}`;
  const lines = [
    `policy replay of changes updated ${report.from.toISOString()} .. ${report.to.toISOString()}, rules evaluated at ${report.evaluatedAt.toISOString()}`,
    `${report.changesEvaluated} change(s) evaluated, ${report.changes.length} would change`,
  ];
  for (const c of report.changes) {
    lines.push(c.key);
    lines.push(...c.wouldOpen.map(entry('+', 'open')));
    lines.push(...c.wouldResolve.map(entry('-', 'resolve')));
  }
  lines.push(
    `totals: ${report.totals.wouldOpen} would open, ${report.totals.wouldResolve} would resolve (dry run: nothing was changed)`,
  );
  return lines.join('\n');
}
