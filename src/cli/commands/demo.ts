import { resolve } from 'node:path';
import type { Command } from 'commander';
import { playStory, startDemo } from '../../demo/run-demo.js';
import { demoSummary } from '../../demo/summary.js';
import { EXIT } from '../errors.js';
import { write, type CliIo } from '../io.js';
import { untilSignalled } from './sync-app.js';

/** `demo`: the newcomer's first command (README quick start). */
export function registerDemo(
  program: Command,
  io: CliIo,
  run: (fn: () => Promise<number>) => void,
): void {
  program
    .command('demo')
    .description('run changebridge against built-in simulators with a seeded story (no setup)')
    .option('--dir <path>', 'where the demo database and log go (replaced each run)', 'data/demo')
    .option('--port <port>', 'API and webhook port (a free one if taken)', (v) => Number(v), 8080)
    .option('--exit', 'stop after the summary instead of serving until Ctrl-C')
    .option(
      '--timeout <seconds>',
      'give up if the story has not converged by then',
      (v) => Number(v),
      120,
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ npm run demo\n  $ changebridge demo --exit --dir /tmp/cb-demo',
    )
    .action((cmd: { dir: string; port: number; exit?: boolean; timeout: number }) =>
      run(async () => {
        const options = {
          dir: cmd.dir,
          port: cmd.port,
          poll: '*/2 * * * * *',
          timeoutMs: cmd.timeout * 1000,
          quietMs: 5000,
          print: (line: string) => write(io.stdout, line),
        };
        options.print(
          'Starting the ServiceNow, Jira and GitHub simulators and the changebridge daemon…',
        );
        const world = await startDemo({
          ...options,
          dir: resolve(io.cwd, cmd.dir),
        });
        try {
          options.print(`changebridge is listening on ${world.daemon.url}`);
          await playStory(world, options);
          for (const line of await demoSummary(world)) write(io.stdout, line);
          if (!cmd.exit) {
            write(
              io.stdout,
              '\nThe daemon keeps running against the simulators; press Ctrl-C to stop.',
            );
            await untilSignalled();
          }
          return EXIT.ok;
        } finally {
          await world.stop();
        }
      }),
    );
}
