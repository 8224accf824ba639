import { resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { loadAppConfig, openApp } from '../../main.js';
import { collectReport } from '../../report/collect.js';
import { REPORT_FORMATS, type ReportFormat } from '../../report/integrity.js';
import { reportSettings } from '../../report/options.js';
import { writeReport } from '../../report/write-report.js';
import { ChangebridgeError, systemClock } from '../../runtime/index.js';
import { parseIsoInstant } from '../../util/instant.js';
import { EXIT } from '../errors.js';
import { write, type CliIo, type GlobalOptions } from '../io.js';

const DAY_MS = 86_400_000;
const DEFAULT_DAYS = 30;

function instant(option: string, endOfDay: boolean) {
  return (value: string): Date => {
    // A bare date ends at its last millisecond for --to, so `--to 2026-11-30` includes the 30th.
    const at = parseIsoInstant(value, { endOfDay });
    if (!at) {
      throw new InvalidArgumentError(
        `${option} "${value}" is not an ISO date or date-time (2026-11-01, 2026-11-01T12:00Z)`,
      );
    }
    return at;
  };
}

interface ReportOptions {
  from?: Date;
  to?: Date;
  tenant?: string;
  format: ReportFormat;
  out: string;
}

/** `report`: the auditor's report for a period, sealed, in one format (docs/reports.md). */
export function registerReport(
  program: Command,
  io: CliIo,
  run: (fn: () => Promise<number>) => void,
): void {
  program
    .command('report')
    .description(
      "the auditor's report for a period: changes, deployments and merges with their approvals, unauthorised changes, drift, waivers, emergencies, metrics",
    )
    .option(
      '--from <date>',
      `start of the period (default: ${DEFAULT_DAYS} days before --to)`,
      instant('--from', false),
    )
    .option(
      '--to <date>',
      'end of the period, a date counting to its end (default: now)',
      instant('--to', true),
    )
    .option('--tenant <name>', 'only this tenant (default: every tenant)')
    .addOption(
      new Option('--format <format>', 'html for reading, csv for spreadsheets, json for tools')
        .choices(REPORT_FORMATS)
        .makeOptionMandatory(),
    )
    .requiredOption('--out <path>', 'file to write (a CSV also gets <path>.seal.json)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ changebridge report --from 2026-10-01 --to 2026-12-31 --format html --out q4.html\n  $ changebridge report --format csv --out last-30-days.csv --tenant payments\n  $ changebridge audit verify --report q4.html          is it the report we generated, on an intact log?',
    )
    .action((cmd: ReportOptions) =>
      run(async () => {
        const opts = program.opts<GlobalOptions>();
        const loaded = loadAppConfig(io, opts.config ? { configPath: opts.config } : {});
        const now = (io.clock ?? systemClock).now();
        const to = cmd.to ?? now;
        const from = cmd.from ?? new Date(to.getTime() - DEFAULT_DAYS * DAY_MS);
        if (from.getTime() > to.getTime()) {
          throw new ChangebridgeError(
            'report',
            `--from ${from.toISOString()} is after --to ${to.toISOString()}`,
            {
              exitCode: EXIT.usage,
              hint: `swap them, or leave --from out (${DEFAULT_DAYS} days before --to)`,
            },
          );
        }
        const tenant = cmd.tenant ?? null;
        const out = resolve(io.cwd, cmd.out);
        const app = await openApp(loaded, io);
        try {
          const data = await collectReport(app.store, {
            from,
            to,
            tenant,
            now,
            ...reportSettings(loaded.config, tenant),
          });
          const written = await writeReport(data, cmd.format, out).catch((error: unknown) => {
            throw new ChangebridgeError(
              'report',
              `cannot write ${out}: ${(error as Error).message}`,
              {
                exitCode: EXIT.config,
                hint: 'choose a --out path in a folder you can write to',
                cause: error,
              },
            );
          });
          const t = data.totals;
          write(
            io.stdout,
            [
              `report written: ${written.path}`,
              ...(written.sealPath ? [`seal written:   ${written.sealPath}`] : []),
              `sha256:         ${written.sha256}`,
              `audit head:     seq ${data.auditHead.seq}${data.auditHead.hash ? `, hash ${data.auditHead.hash}` : ' (empty log)'}`,
              `period:         ${data.period.from} .. ${data.period.to}${tenant ? `, tenant ${tenant}` : ', every tenant'}`,
              `counts:         ${t.changes} change(s), ${t.deployments} production deployment(s), ${t.merges} protected-branch merge(s), ${t.unauthorised} unauthorised, ${t.openFindings} open finding(s) (${t.blockingFindings} blocking)`,
            ].join('\n'),
          );
          return EXIT.ok;
        } finally {
          await app.close();
        }
      }),
    );
}
