import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerAuditVerify } from './commands/audit-verify.js';
import { registerBackfill } from './commands/backfill.js';
import { registerConfigCheck } from './commands/config-check.js';
import { registerDeadLetter } from './commands/deadletter.js';
import { registerDemo } from './commands/demo.js';
import { registerExplain } from './commands/explain.js';
import { registerFindings } from './commands/findings.js';
import { registerGate } from './commands/gate.js';
import { registerMappings } from './commands/mappings.js';
import { registerMigrate } from './commands/migrate.js';
import { registerPolicy } from './commands/policy.js';
import { registerReport } from './commands/report.js';
import { registerReconcile } from './commands/reconcile.js';
import { registerRun } from './commands/run.js';
import { registerSimGitHub } from './commands/sim-github.js';
import { registerSimGitLab } from './commands/sim-gitlab.js';
import { registerSimJira } from './commands/sim-jira.js';
import { registerSimServiceNow } from './commands/sim-servicenow.js';
import { registerWaive } from './commands/waive.js';
import { EXIT, reportError } from './errors.js';
import { write, type CliIo, type GlobalOptions } from './io.js';

/** The package version, from package.json two folders up (src/cli) or three (dist/src/cli). */
function packageVersion(): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'changebridge' && pkg.version) return pkg.version;
    } catch {
      // not at this level; try the next one
    }
  }
  return 'unknown';
}

/**
 * Runs the CLI on `argv` (as in process.argv) and resolves to the exit code. Only
 * commands that work are registered.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = new Command('changebridge');
  let pending: Promise<number> | undefined;
  const run = (fn: () => Promise<number>) => {
    pending = fn();
  };
  program
    .description(
      'keeps ServiceNow, Jira, GitHub and GitLab telling the same story about every change',
    )
    .version(packageVersion(), '-V, --version', 'print the version')
    .option(
      '-c, --config <file>',
      'configuration file (default: $CHANGEBRIDGE_CONFIG, else config/changebridge.yaml, else built-in defaults)',
    )
    .option('-v, --verbose', 'debug logging and stack traces on errors')
    .showHelpAfterError('(run `changebridge --help` for usage)')
    .configureOutput({
      writeOut: (s) => write(io.stdout, s),
      writeErr: (s) => write(io.stderr, s),
    })
    .exitOverride()
    .addHelpText(
      'after',
      `
Examples:
  $ changebridge demo                                     the daemon against seeded simulators, no setup
  $ changebridge migrate                                  create ./data/changebridge.db and its tables
  $ changebridge run                                      the sync daemon (webhooks, schedules, write-back)
  $ changebridge sync --once                              one sync pass, for cron or CI
  $ changebridge reconcile --dry-run                      compare every linked change with its systems now
  $ changebridge config check --config my.yaml            validate a config file, secrets masked
  $ changebridge audit verify                             check the audit hash chain
  $ changebridge gate --repo acme/payments --sha "$GITHUB_SHA" --environment production --wait 300
                                                          may this commit be deployed? exit 0 allow, 1 deny, 2 pending
  $ changebridge mappings validate                        check every mapping in mappings/
  $ changebridge findings list --change CHG0030001        what the policies found, with finding ids
  $ changebridge waive '<finding-id>' --reason "…" --until 7d --by jane@example.com
                                                          accept a finding for a while, on the audit trail
  $ changebridge explain chg.json --system servicenow --event change_request
                                                          payload → canonical + findings as JSON, writes nothing
  $ changebridge policy replay --from 2026-10-01          which findings the current rules would open or resolve
  $ changebridge report --from 2026-10-01 --to 2026-12-31 --format html --out q4.html
                                                          the auditor's report, sealed; check it with audit verify --report

Environment:
  CHANGEBRIDGE_CONFIG        configuration file, when --config is not given
  CHANGEBRIDGE_DATABASE_URL  overrides database.url (sqlite:<path> or mysql://user@host:port/db)

Exit codes: 0 ok, 1 check failed, 64 usage, 69 database unreachable, 70 internal error, 78 configuration or schema`,
    );
  registerMigrate(program, io, run);
  registerConfigCheck(program, io, run);
  registerAuditVerify(program, io, run);
  registerMappings(program, io, run);
  registerDeadLetter(program, io, run);
  registerRun(program, io, run);
  registerReconcile(program, io, run);
  registerBackfill(program, io, run);
  registerDemo(program, io, run);
  registerGate(program, io, run);
  registerFindings(program, io, run);
  registerWaive(program, io, run);
  registerExplain(program, io, run);
  registerPolicy(program, io, run);
  registerReport(program, io, run);
  const sim = program
    .command('sim')
    .description(
      'run a stateful simulator of an outside system on 127.0.0.1 (tests, demos, trials)',
    );
  registerSimGitHub(sim, io, run);
  registerSimGitLab(sim, io, run);
  registerSimJira(sim, io, run);
  registerSimServiceNow(sim, io, run);

  try {
    await program.parseAsync([...argv], { from: 'node' });
    if (!pending) {
      // `changebridge` alone, or a group such as `changebridge audit`, prints its help.
      const words = argv.slice(2).filter((a) => !a.startsWith('-'));
      const group = program.commands.find((c) => c.name() === words[0]);
      write(io.stderr, (group ?? program).helpInformation());
      return EXIT.usage;
    }
    return await pending;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version')
        return EXIT.ok;
      return EXIT.usage;
    }
    return reportError(error, io, Boolean(program.opts<GlobalOptions>().verbose));
  }
}
