import type { Command } from 'commander';
import { describeEffectiveConfig, formatIssue } from '../../config/index.js';
import { loadAppConfig } from '../../main.js';
import { EXIT } from '../errors.js';
import { write, type CliIo, type GlobalOptions } from '../io.js';

export function registerConfigCheck(
  program: Command,
  io: CliIo,
  run: (fn: () => Promise<number>) => void,
): void {
  const config = program.command('config').description('work with the configuration file');
  config
    .command('check')
    .description('validate the configuration and print the effective values, secrets masked')
    .option(
      '--strict',
      'treat environment variables that are not set as errors (use on the host that runs changebridge)',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ changebridge config check\n  $ changebridge config check --config config/changebridge.example.yaml\n  $ changebridge config check --strict    # before go-live: every ${VAR} must be set',
    )
    .action((cmd: { strict?: boolean }) =>
      run(async () => {
        const opts = program.opts<GlobalOptions>();
        const loaded = loadAppConfig(io, {
          ...(opts.config ? { configPath: opts.config } : {}),
          allowMissingEnv: !cmd.strict,
        });
        write(io.stdout, `# ${loaded.source}: valid\n${describeEffectiveConfig(loaded)}`);
        if (loaded.warnings.length > 0) {
          write(
            io.stderr,
            `${loaded.warnings.length} environment variable(s) not set (fatal with --strict and when running):\n` +
              loaded.warnings.map((w) => `  ${formatIssue(w)}`).join('\n'),
          );
        }
        return EXIT.ok;
      }),
    );
}
