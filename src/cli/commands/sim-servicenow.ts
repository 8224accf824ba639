import { InvalidArgumentError, type Command } from 'commander';
import { seedServiceNow } from '../../../connectors/servicenow/simulator-seed.js';
import {
  DEFAULT_SIM_CLIENT,
  DEFAULT_SIM_USER,
  ServiceNowSimulator,
} from '../../../connectors/servicenow/simulator.js';
import { EXIT } from '../errors.js';
import { write, type CliIo } from '../io.js';

/**
 * `changebridge sim servicenow`: the ServiceNow simulator as a process, for the demo and
 * for trying a configuration without an instance. Runs until SIGINT/SIGTERM (or `stop`,
 * which tests pass instead of sending signals).
 */
export function registerSimServiceNow(
  sim: Command,
  io: CliIo,
  run: (fn: () => Promise<number>) => void,
  options: { stop?: Promise<void>; onReady?: (url: string) => void } = {},
): void {
  sim
    .command('servicenow')
    .description('run a stateful ServiceNow simulator (Table API, OAuth, business-rule webhooks)')
    .option('--port <port>', 'port to listen on (0: a free one)', integer(0, 65535), 8081)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option(
      '--seed <n>',
      'seed of the generated data (same seed, same records)',
      integer(0, 2 ** 31),
      42,
    )
    .option('--changes <n>', 'change requests to generate', integer(0, 1_000_000), 500)
    .option('--token-ttl <seconds>', 'OAuth access token lifetime', integer(1, 86_400), 1800)
    .option(
      '--rate-limit <n>',
      'requests allowed per --rate-window (0: no limit)',
      integer(0, 1_000_000),
      0,
    )
    .option('--rate-window <seconds>', 'rate-limit window', integer(1, 86_400), 3600)
    .option('--webhook-url <url>', 'business rule: post {table, sys_id} here when a record changes')
    .option(
      '--webhook-secret <secret>',
      'business rule: shared secret sent in X-Changebridge-Secret',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ changebridge sim servicenow --port 8081 --seed 42 --changes 500
  $ changebridge sim servicenow --port 0 --rate-limit 100 --rate-window 3600
  $ changebridge sim servicenow --webhook-url http://127.0.0.1:8080/webhooks/servicenow --webhook-secret s3cret`,
    )
    .action((o: SimOptions) =>
      run(async () => {
        if (o.webhookUrl && !o.webhookSecret) {
          write(io.stderr, 'sim servicenow: --webhook-url needs --webhook-secret');
          return EXIT.usage;
        }
        const simulator = new ServiceNowSimulator({
          port: o.port,
          host: o.host,
          seed: o.seed,
          tokenTtlSeconds: o.tokenTtl,
          ...(o.rateLimit > 0
            ? { rateLimit: { limit: o.rateLimit, windowMs: o.rateWindow * 1000 } }
            : {}),
          ...(o.webhookUrl
            ? { businessRule: { url: o.webhookUrl, secret: o.webhookSecret ?? '' } }
            : {}),
        });
        const seeded = seedServiceNow(simulator.state, {
          seed: o.seed,
          changes: o.changes,
          now: new Date(),
        });
        await simulator.start();
        write(
          io.stdout,
          [
            `ServiceNow simulator listening on ${simulator.url}`,
            `  seeded: ${seeded.changes.length} change requests, ${seeded.approvals.length} approvals, ${seeded.incidents.length} incidents, ${seeded.users.length} users (seed ${o.seed})`,
            `  basic auth:  ${DEFAULT_SIM_USER.userName} / ${DEFAULT_SIM_USER.password}`,
            `  oauth:       POST ${simulator.url}/oauth_token.do  client_id=${DEFAULT_SIM_CLIENT.clientId} client_secret=${DEFAULT_SIM_CLIENT.clientSecret}`,
            `  try:         curl -u ${DEFAULT_SIM_USER.userName}:${DEFAULT_SIM_USER.password} '${simulator.url}/api/now/table/change_request?sysparm_limit=1'`,
            '  Ctrl-C to stop.',
          ].join('\n'),
        );
        options.onReady?.(simulator.url);
        await (options.stop ?? untilSignal());
        await simulator.stop();
        write(io.stdout, 'ServiceNow simulator stopped.');
        return EXIT.ok;
      }),
    );
}

interface SimOptions {
  port: number;
  host: string;
  seed: number;
  changes: number;
  tokenTtl: number;
  rateLimit: number;
  rateWindow: number;
  webhookUrl?: string;
  webhookSecret?: string;
}

function integer(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}
