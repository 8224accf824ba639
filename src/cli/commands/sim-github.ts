import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { startGitHubSimulator } from '../../../connectors/github/simulator/index.js';
import { UserError } from '../../runtime/index.js';
import { write, type CliIo } from '../io.js';

/**
 * `changebridge sim github`: the stateful GitHub simulator on 127.0.0.1 until SIGINT/SIGTERM.
 * Secrets come from environment variables, never from arguments (they would show in `ps`).
 */
export interface SimGitHubOptions {
  port: number;
  tokenEnv: string;
  hookUrl?: string;
  hookSecretEnv: string;
  repo: string[];
  seed: number;
  appId?: number;
  appPublicKey?: string;
  installationId: number;
  rateLimit: number;
  secondaryWrites: number;
}

export async function runSimGitHub(
  opts: SimGitHubOptions,
  io: CliIo,
  signal: AbortSignal,
): Promise<number> {
  const token = io.env[opts.tokenEnv] || `ghp_sim${randomBytes(16).toString('hex')}`;
  const hookSecret = io.env[opts.hookSecretEnv];
  if (opts.hookUrl && !hookSecret) {
    throw new UserError('sim-github', `--hook-url is set but ${opts.hookSecretEnv} is empty`, {
      hint: `export ${opts.hookSecretEnv}=<the webhook secret changebridge is configured with>`,
    });
  }
  if (opts.appId !== undefined && !opts.appPublicKey) {
    throw new UserError('sim-github', '--app-id needs --app-public-key <file.pem>', {
      hint: 'derive it with: openssl rsa -in app.private-key.pem -pubout -out app.pub.pem',
    });
  }
  const sim = await startGitHubSimulator({
    port: opts.port,
    tokens: [token],
    rateLimit: { limit: opts.rateLimit, secondaryWrites: opts.secondaryWrites },
    ...(opts.appId !== undefined && opts.appPublicKey
      ? {
          app: {
            appId: opts.appId,
            publicKeyPem: readFileSync(resolve(io.cwd, opts.appPublicKey), 'utf8'),
            installationId: opts.installationId,
          },
        }
      : {}),
    ...(opts.hookUrl && hookSecret ? { hooks: [{ url: opts.hookUrl, secret: hookSecret }] } : {}),
  });
  const repos = opts.repo.length > 0 ? opts.repo : ['acme/payments'];
  for (const r of repos) sim.state.createRepo(r);
  if (opts.seed > 0) sim.seed({ repositories: repos, count: opts.seed });
  write(io.stdout, `GitHub simulator listening on ${sim.url} (apiUrl for the github connection)`);
  write(io.stdout, `  repositories: ${repos.join(', ')}`);
  write(
    io.stdout,
    io.env[opts.tokenEnv]
      ? `  token: from $${opts.tokenEnv}`
      : `  token (generated, simulator only): ${token}`,
  );
  if (opts.hookUrl)
    write(io.stdout, `  webhooks → ${opts.hookUrl} (signed with $${opts.hookSecretEnv})`);
  if (opts.appId !== undefined)
    write(io.stdout, `  GitHub App ${opts.appId}, installation ${opts.installationId}`);
  write(io.stdout, 'Press Ctrl-C to stop.');
  await new Promise<void>((done) => {
    if (signal.aborted) return done();
    signal.addEventListener('abort', () => done(), { once: true });
  });
  await sim.close();
  write(
    io.stdout,
    `GitHub simulator stopped (${sim.sender.deliveries.length} webhook deliveries sent).`,
  );
  return 0;
}

const int = (name: string, min: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min)
    throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}`);
  return n;
};

export function registerSimGitHub(
  sim: Command,
  io: CliIo,
  run: (fn: () => Promise<number>) => void,
): void {
  sim
    .command('github')
    .description('run a stateful GitHub simulator (REST + signed webhooks) on 127.0.0.1')
    .option('--port <n>', 'port to listen on (0 = any free port)', int('--port', 0), 8787)
    .option('--repo <owner/repo...>', 'repositories to create', [])
    .option(
      '--seed <n>',
      'seed n pull requests (with reviews, a merge, a push, deployments) per repository',
      int('--seed', 0),
      0,
    )
    .option(
      '--token-env <NAME>',
      'environment variable holding the token clients must send',
      'CHANGEBRIDGE_GITHUB_SIM_TOKEN',
    )
    .option(
      '--hook-url <url>',
      'send signed webhooks to this URL (e.g. http://127.0.0.1:8080/webhooks/github)',
    )
    .option(
      '--hook-secret-env <NAME>',
      'environment variable holding the webhook secret',
      'CHANGEBRIDGE_GITHUB_WEBHOOK_SECRET',
    )
    .option('--app-id <id>', 'accept GitHub App JWTs for this App id', int('--app-id', 1))
    .option('--app-public-key <file>', 'PEM public key of the App (verifies its JWTs)')
    .option(
      '--installation-id <id>',
      'installation id the App may get tokens for',
      int('--installation-id', 1),
      4242,
    )
    .option(
      '--rate-limit <n>',
      'primary rate limit per credential per hour',
      int('--rate-limit', 1),
      5000,
    )
    .option(
      '--secondary-writes <n>',
      'writes per minute before the secondary limit (0 = off)',
      int('--secondary-writes', 0),
      0,
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ changebridge sim github --seed 5 --repo acme/payments\n  $ CHANGEBRIDGE_GITHUB_WEBHOOK_SECRET=s3cret changebridge sim github --hook-url http://127.0.0.1:8080/webhooks/github',
    )
    .action((opts: SimGitHubOptions) =>
      run(async () => {
        const controller = new AbortController();
        const stop = () => controller.abort();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        try {
          return await runSimGitHub(opts, io, controller.signal);
        } finally {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
        }
      }),
    );
}
