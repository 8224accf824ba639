import type { Command } from 'commander';
import { loadAppConfig, openDatabase } from '../../main.js';
import { write, type CliIo, type GlobalOptions } from '../io.js';

export function registerMigrate(
  program: Command,
  io: CliIo,
  run: (fn: () => Promise<number>) => void,
): void {
  program
    .command('migrate')
    .description('create or upgrade the database schema (creates a missing MySQL database)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ changebridge migrate\n  $ CHANGEBRIDGE_DATABASE_URL=mysql://cb:${DB_PASSWORD}@db:3306/changebridge changebridge migrate',
    )
    .action(() =>
      run(async () => {
        const opts = program.opts<GlobalOptions>();
        const loaded = loadAppConfig(io, opts.config ? { configPath: opts.config } : {});
        const db = await openDatabase(loaded, io, { createDatabase: true });
        try {
          const applied = await db.migrate();
          write(
            io.stdout,
            applied.length === 0
              ? `${db.describe()} is up to date.`
              : `${db.describe()}: applied ${applied.length} migration(s): ${applied.join(', ')}`,
          );
          return 0;
        } finally {
          await db.close();
        }
      }),
    );
}
