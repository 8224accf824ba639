import type { Command } from 'commander';
import { UserError } from '../../runtime/index.js';
import { JiraSimulator } from '../../../connectors/jira/simulator.js';
import { seedJira } from '../../../connectors/jira/simulator-seed.js';
import { assertTimeZone } from '../../../connectors/jira/time-zone.js';
import { write, type CliIo } from '../io.js';

/**
 * `changebridge sim jira`: a stateful Jira Cloud simulator for demos and local testing.
 * Attached under the `sim` group the composition root creates; runs until SIGINT/SIGTERM.
 */

export interface SimJiraOptions {
  port: number;
  seed: number;
  issues: number;
  projects: string[];
  timeZone: string;
  webhookUrl?: string;
  /** Name of the environment variable holding the webhook secret (never the secret itself). */
  webhookSecretEnv?: string;
}

export async function startSimJira(options: SimJiraOptions, io: CliIo): Promise<JiraSimulator> {
  try {
    assertTimeZone(options.timeZone);
  } catch {
    throw new UserError('sim', `--time-zone "${options.timeZone}" is not a known IANA time zone`, {
      hint: 'use a name such as UTC, Europe/Berlin or America/New_York',
    });
  }
  const sim = new JiraSimulator({ port: options.port, timeZone: options.timeZone });
  for (const key of options.projects)
    sim.state.addProject({ key, name: `${key} team`, issueTypes: ['Change', 'Task', 'Bug'] });
  seedJira(sim.state, { seed: options.seed, issues: options.issues, projects: options.projects });
  if (options.webhookUrl) {
    const secret = options.webhookSecretEnv ? io.env[options.webhookSecretEnv] : undefined;
    if (options.webhookSecretEnv && !secret) {
      throw new UserError(
        'sim',
        `environment variable ${options.webhookSecretEnv} (--webhook-secret-env) is not set`,
        {
          hint: `export ${options.webhookSecretEnv}=<the secret configured under jira.webhook.secrets>`,
        },
      );
    }
    sim.webhooks.register({ url: options.webhookUrl, ...(secret ? { secret } : {}) });
  }
  const url = await sim.start();
  write(
    io.stdout,
    `Jira simulator listening on ${url} (seed ${options.seed}, ${options.issues} issues in ${options.projects.join(', ')})`,
  );
  write(io.stdout, `  email:     ${sim.email}`);
  write(io.stdout, `  API token: ${sim.apiToken}   (simulator-only credential)`);
  write(io.stdout, `  OAuth bearer token: ${sim.bearerToken}`);
  if (options.webhookUrl)
    write(
      io.stdout,
      `  webhooks → ${options.webhookUrl}${options.webhookSecretEnv ? ' (signed)' : ' (unsigned)'}`,
    );
  write(io.stdout, 'Press Ctrl+C to stop.');
  return sim;
}

const int =
  (name: string) =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0)
      throw new UserError('sim', `--${name} must be a non-negative integer, got "${value}"`);
    return n;
  };

export function registerSimJira(
  sim: Command,
  io: CliIo,
  run: (fn: () => Promise<number>) => void,
): void {
  sim
    .command('jira')
    .description(
      'run a stateful Jira Cloud REST v3 simulator (search/jql, issues, comments, properties, webhooks)',
    )
    .option('--port <port>', 'TCP port on 127.0.0.1 (0 picks a free one)', int('port'), 8082)
    .option('--seed <n>', 'seed for the deterministic test data', int('seed'), 42)
    .option('--issues <n>', 'number of issues to seed', int('issues'), 50)
    .option('--projects <keys>', 'comma-separated project keys', 'OPS,PAY')
    .option('--time-zone <tz>', "the simulated account's time zone (JQL dates use it)", 'UTC')
    .option('--webhook-url <url>', 'send Jira webhooks for every change to this URL')
    .option(
      '--webhook-secret-env <NAME>',
      'sign webhooks with the secret in this environment variable',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ changebridge sim jira --port 8082 --seed 42\n  $ JIRA_WEBHOOK_SECRET=s3cret changebridge sim jira --webhook-url http://127.0.0.1:8080/webhooks/jira --webhook-secret-env JIRA_WEBHOOK_SECRET',
    )
    .action(
      (cmd: {
        port: number;
        seed: number;
        issues: number;
        projects: string;
        timeZone: string;
        webhookUrl?: string;
        webhookSecretEnv?: string;
      }) =>
        run(async () => {
          const simulator = await startSimJira(
            {
              port: cmd.port,
              seed: cmd.seed,
              issues: cmd.issues,
              projects: cmd.projects
                .split(',')
                .map((p) => p.trim())
                .filter(Boolean),
              timeZone: cmd.timeZone,
              ...(cmd.webhookUrl ? { webhookUrl: cmd.webhookUrl } : {}),
              ...(cmd.webhookSecretEnv ? { webhookSecretEnv: cmd.webhookSecretEnv } : {}),
            },
            io,
          );
          await new Promise<void>((resolve) => {
            const stop = () => resolve();
            process.once('SIGINT', stop);
            process.once('SIGTERM', stop);
          });
          await simulator.stop();
          write(io.stdout, 'Jira simulator stopped.');
          return 0;
        }),
    );
}
