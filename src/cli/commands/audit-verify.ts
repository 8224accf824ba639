import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadAppConfig, openApp } from '../../main.js';
import { verifyReport } from '../../report/verify-report.js';
import { ChangebridgeError } from '../../runtime/index.js';
import { EXIT } from '../errors.js';
import { write, type CliIo, type GlobalOptions } from '../io.js';

export function registerAuditVerify(
  program: Command,
  io: CliIo,
  run: (fn: () => Promise<number>) => void,
): void {
  const audit = program.command('audit').description('the tamper-evident audit trail');
  audit
    .command('verify')
    .description(
      'recompute the audit hash chain; exit 1 naming the first bad seq. With --report, also check a report against its own digest and the log',
    )
    .option('--json', 'print the result as JSON')
    .option(
      '--report <file>',
      'a report from `changebridge report` (html, json, or csv with its .seal.json)',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ changebridge audit verify\n  $ changebridge audit verify --json | jq .firstBad\n  $ changebridge audit verify --report reports/changebridge-report-2026-11-02-2026-11-08.html',
    )
    .action((cmd: { json?: boolean; report?: string }) =>
      run(async () => {
        const opts = program.opts<GlobalOptions>();
        const loaded = loadAppConfig(io, opts.config ? { configPath: opts.config } : {});
        const app = await openApp(loaded, io);
        try {
          const result = await app.audit.verify();
          const report = cmd.report
            ? await verifyReport(resolve(io.cwd, cmd.report), {
                db: app.store.db,
                audit: { verify: async () => result },
              }).catch((error: unknown) => {
                // Only an unreadable file is the user's to fix; anything else is ours.
                if (typeof (error as { path?: unknown }).path !== 'string') throw error;
                throw new ChangebridgeError(
                  'audit',
                  `cannot read report ${cmd.report}: ${(error as Error).message}`,
                  {
                    exitCode: EXIT.usage,
                    hint: 'name a report file written by changebridge report',
                  },
                );
              })
            : null;
          if (cmd.json) {
            write(io.stdout, JSON.stringify(report ? { ...result, report } : result));
          } else {
            if (result.ok) {
              write(
                io.stdout,
                `audit chain intact: ${result.checked} event(s), last seq ${result.lastSeq}`,
              );
            } else {
              const bad = result.firstBad!;
              write(
                io.stdout,
                `audit chain BROKEN at seq ${bad.seq}: ${bad.problem}: ${bad.detail}\n` +
                  `${result.checked} event(s) before it verified. See docs/audit.md.`,
              );
            }
            if (report) {
              const lines = [
                `report ${report.file} (${report.format}): ${report.ok ? 'VERIFIED' : 'FAILED'}`,
                ...report.checks.map((c) => `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`),
              ];
              write(io.stdout, lines.join('\n'));
            }
          }
          return result.ok && (report?.ok ?? true) ? EXIT.ok : EXIT.failed;
        } finally {
          await app.close();
        }
      }),
    );
}
