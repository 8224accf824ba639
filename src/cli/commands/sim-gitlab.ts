import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import {
  seedGitLab,
  startGitLabSimulator,
  type GitLabSimulator,
} from '../../../connectors/gitlab/simulator/index.js';
import { UserError } from '../../runtime/index.js';
import { write, type CliIo } from '../io.js';

/**
 * `changebridge sim gitlab`: the stateful GitLab simulator on 127.0.0.1, seeded, with
 * webhooks pointed at a changebridge instance. Secrets come from the environment only
 * (never flags, which end up in shell history and `ps`).
 */
export interface SimGitLabFlags {
  port: string;
  host: string;
  project: string;
  mergeRequests: string;
  hookUrl?: string;
  statusCheckUrl?: string;
  rateLimit: string;
  seed: boolean;
}

export const SIM_GITLAB_ENV = {
  token: 'CHANGEBRIDGE_SIM_GITLAB_TOKEN',
  hookToken: 'CHANGEBRIDGE_SIM_GITLAB_HOOK_TOKEN',
  signingToken: 'CHANGEBRIDGE_SIM_GITLAB_SIGNING_TOKEN',
  checkSecret: 'CHANGEBRIDGE_SIM_GITLAB_CHECK_SECRET',
} as const;

export interface StartedSim {
  sim: GitLabSimulator;
  summary: string[];
}

/** Starts and seeds the simulator from flags + environment; the testable half of the command. */
export async function startSimGitLab(flags: SimGitLabFlags, io: CliIo): Promise<StartedSim> {
  const port = int(flags.port, '--port', 0, 65_535);
  const rate = int(flags.rateLimit, '--rate-limit', 0, 1_000_000);
  const mrs = int(flags.mergeRequests, '--merge-requests', 0, 10_000);
  if (!/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)+$/.test(flags.project)) {
    throw new UserError('cli', `--project "${flags.project}" is not a project path`, {
      hint: 'use group/project, e.g. acme/payments',
    });
  }
  for (const [flag, value] of [
    ['--hook-url', flags.hookUrl],
    ['--status-check-url', flags.statusCheckUrl],
  ] as const) {
    if (value !== undefined && !/^https?:\/\//.test(value)) {
      throw new UserError('cli', `${flag} "${value}" is not an http(s) URL`, {
        hint: `e.g. ${flag} http://127.0.0.1:8080/webhooks/gitlab`,
      });
    }
  }
  const env = io.env as Record<string, string | undefined>;
  const generated = !env[SIM_GITLAB_ENV.token];
  const token = env[SIM_GITLAB_ENV.token] ?? `glpat-sim-${randomBytes(12).toString('hex')}`;
  const sim = await startGitLabSimulator({
    port,
    host: flags.host,
    ...(rate > 0 ? { rateLimit: { limit: rate, windowMs: 60_000 } } : {}),
  });
  const summary = [`GitLab simulator listening on ${sim.url} (API ${sim.url}/api/v4)`];
  if (flags.seed) {
    const seeded = seedGitLab(sim.state, { project: flags.project, token, mergeRequests: mrs });
    summary.push(
      `seeded project ${flags.project} (id ${seeded.projectId}) with ${mrs} merge request(s) and 2 deployments`,
    );
  } else {
    sim.state.addUser({
      username: 'changebridge-bot',
      name: 'changebridge',
      email: 'bot@example.com',
      token,
    });
  }
  // A generated token is a throwaway for this process only; a configured one is never echoed.
  summary.push(
    generated
      ? `API token (PRIVATE-TOKEN), generated: ${token}`
      : `API token from ${SIM_GITLAB_ENV.token}`,
  );
  const project = flags.seed ? sim.state.project(flags.project) : undefined;
  if (flags.hookUrl && project) {
    sim.state.addHook(project.id, {
      url: flags.hookUrl,
      token: env[SIM_GITLAB_ENV.hookToken],
      signingToken: env[SIM_GITLAB_ENV.signingToken],
    });
    summary.push(
      `webhooks → ${flags.hookUrl} (X-Gitlab-Token: ${env[SIM_GITLAB_ENV.hookToken] ? 'set' : 'none'}, Standard-Webhooks signing: ${env[SIM_GITLAB_ENV.signingToken] ? 'on' : 'off'})`,
    );
  }
  if (flags.statusCheckUrl && project) {
    sim.state.addStatusCheck(project.id, {
      name: 'changebridge',
      externalUrl: flags.statusCheckUrl,
      secret: env[SIM_GITLAB_ENV.checkSecret],
    });
    summary.push(
      `external status check → ${flags.statusCheckUrl} (HMAC: ${env[SIM_GITLAB_ENV.checkSecret] ? 'on' : 'off'})`,
    );
  }
  if (rate > 0) summary.push(`rate limit: ${rate} requests/minute per token`);
  return { sim, summary };
}

export function registerSimGitLab(
  sim: Command,
  io: CliIo,
  run: (fn: () => Promise<number>) => void,
  deps: { waitForStop?: () => Promise<void> } = {},
): void {
  sim
    .command('gitlab')
    .description('run a stateful GitLab simulator (REST v4, webhooks, status checks) until Ctrl-C')
    .option('--port <port>', 'port on the host (0 = any free port)', '8929')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--project <path>', 'project to seed', 'acme/payments')
    .option('--merge-requests <n>', 'merge requests to seed', '3')
    .option('--hook-url <url>', 'send project webhooks here (e.g. changebridge /webhooks/gitlab)')
    .option('--status-check-url <url>', 'register an external status check posting here')
    .option('--rate-limit <n>', 'requests per minute per token (0 = unlimited)', '0')
    .option('--no-seed', 'start empty (only the API user exists)')
    .addHelpText(
      'after',
      `\nSecrets come from the environment: ${Object.values(SIM_GITLAB_ENV).join(', ')}.\n\nExamples:\n  $ changebridge sim gitlab --port 8929\n  $ CHANGEBRIDGE_SIM_GITLAB_HOOK_TOKEN=s3cret changebridge sim gitlab --hook-url http://127.0.0.1:8080/webhooks/gitlab`,
    )
    .action((flags: SimGitLabFlags) =>
      run(async () => {
        const started = await startSimGitLab(flags, io);
        for (const line of started.summary) write(io.stdout, line);
        write(io.stdout, 'press Ctrl-C to stop');
        await (deps.waitForStop ?? waitForSignal)();
        await started.sim.close();
        write(io.stdout, 'GitLab simulator stopped');
        return 0;
      }),
    );
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

function int(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new UserError(
      'cli',
      `${flag} "${value}" is not a whole number between ${min} and ${max}`,
      { hint: `e.g. ${flag} ${Math.max(min, 1)}` },
    );
  }
  return n;
}
