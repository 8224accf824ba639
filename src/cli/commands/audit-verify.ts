import type { Command } from 'commander';
import { loadAppConfig, openApp } from '../../main.js';
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
    .description('recompute the audit hash chain; exit 1 naming the first bad seq')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ changebridge audit verify\n  $ changebridge audit verify --json | jq .firstBad',
    )
    .action((cmd: { json?: boolean }) =>
      run(async () => {
        const opts = program.opts<GlobalOptions>();
        const loaded = loadAppConfig(io, opts.config ? { configPath: opts.config } : {});
        const app = await openApp(loaded, io);
        try {
          const result = await app.audit.verify();
          if (cmd.json) {
            write(io.stdout, JSON.stringify(result));
          } else if (result.ok) {
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
          return result.ok ? EXIT.ok : EXIT.failed;
        } finally {
          await app.close();
        }
      }),
    );
}
