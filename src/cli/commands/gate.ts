import axios, { isAxiosError } from 'axios';
import { InvalidArgumentError, type Command } from 'commander';
import { z } from 'zod';
import { loadAppConfig } from '../../main.js';
import { ChangebridgeError } from '../../runtime/index.js';
import { EXIT } from '../errors.js';
import { write, type CliIo, type GlobalOptions } from '../io.js';

/**
 * `changebridge gate`: asks the daemon's `GET /api/v1/gate` whether a commit may be
 * deployed to an environment, for any CI system (docs/gates.md). The exit code is the
 * answer: 0 allow, 1 deny, 2 pending (or no answer in time). It needs no database and no
 * secrets, only the daemon's URL.
 */
export const URL_ENV = 'CHANGEBRIDGE_URL';

/** Exit codes of this command; 64/69/70 keep their usual meanings (src/cli/errors.ts). */
export const GATE_EXIT = { allow: EXIT.ok, deny: EXIT.failed, pending: 2 } as const;

/** Extra time on top of `--wait` for the daemon to answer before we give up. */
const GRACE_SECONDS = 30;

const answerSchema = z.object({
  decision: z.enum(['allow', 'deny', 'pending']),
  change: z.string().nullable(),
  reasons: z.array(z.string()),
  repo: z.string(),
  sha: z.string(),
  environment: z.string(),
  evaluatedAt: z.string(),
});
type GateAnswer = z.infer<typeof answerSchema>;

interface GateOptions {
  repo: string;
  sha: string;
  environment: string;
  wait: number;
  url?: string;
  json?: boolean;
}

export function registerGate(
  program: Command,
  io: CliIo,
  run: (fn: () => Promise<number>) => void,
): void {
  program
    .command('gate')
    .description(
      'ask the daemon whether a commit may be deployed to an environment; exit 0 allow, 1 deny, 2 pending',
    )
    .requiredOption('--repo <owner/name>', 'repository (GitLab: group/subgroup/name)')
    .requiredOption('--sha <sha>', 'commit id being deployed (7 to 64 hex characters)')
    .requiredOption('--environment <env>', 'deployment environment, e.g. production')
    .option(
      '--wait <seconds>',
      'while the decision is pending, wait up to this long for it (the daemon allows up to 300)',
      nonNegativeInt,
      0,
    )
    .option(
      '--url <url>',
      `daemon base URL (default: $${URL_ENV}, else http://<server.host>:<server.port> from the config)`,
    )
    .option('--json', "print the daemon's answer as JSON")
    .addHelpText(
      'after',
      `
Examples:
  $ changebridge gate --repo acme/payments --sha "$GITHUB_SHA" --environment production --wait 300
  $ CHANGEBRIDGE_URL=https://changebridge.internal changebridge gate --repo group/sub/app --sha "$CI_COMMIT_SHA" --environment production --json

Exit codes: 0 allow, 1 deny (reasons printed), 2 pending or no answer in time, 64 bad arguments, 69 daemon unreachable`,
    )
    .action((cmd: GateOptions) =>
      run(async () => {
        const base = daemonUrl(cmd, io, program.opts<GlobalOptions>());
        const answer = await askGate(base, cmd);
        if (answer === 'timeout') {
          write(
            io.stderr,
            `[changebridge/gate] no answer from ${withoutCredentials(base)} within ${cmd.wait + GRACE_SECONDS} s; treating it as pending`,
          );
          return GATE_EXIT.pending;
        }
        write(io.stdout, cmd.json ? JSON.stringify(answer) : describe(answer, cmd.wait));
        return GATE_EXIT[answer.decision];
      }),
    );
}

/** `--url`, else `$CHANGEBRIDGE_URL`, else where the config says the daemon listens. */
function daemonUrl(cmd: GateOptions, io: CliIo, opts: GlobalOptions): string {
  const given = cmd.url ?? io.env[URL_ENV];
  if (given) {
    let url: URL | undefined;
    try {
      url = new URL(given);
    } catch {
      // reported below
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new ChangebridgeError('gate', `"${given.slice(0, 200)}" is not an http(s) URL`, {
        exitCode: EXIT.usage,
        hint: `pass the daemon's base URL, e.g. --url http://changebridge.internal:8080 (or set ${URL_ENV})`,
      });
    }
    return url.href.replace(/\/+$/, '');
  }
  // The CI runner usually has no secrets: unset ${VARS} in the config must not stop us.
  const loaded = loadAppConfig(io, {
    ...(opts.config ? { configPath: opts.config } : {}),
    allowMissingEnv: true,
  });
  const { host, port } = loaded.config.server;
  // A daemon listening on every interface is reached on loopback from the same host.
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

async function askGate(base: string, cmd: GateOptions): Promise<GateAnswer | 'timeout'> {
  const endpoint = `${base}/api/v1/gate`;
  const url = withoutCredentials(endpoint); // for messages; axios still gets `endpoint`
  const unavailable = (what: string, hint: string) =>
    new ChangebridgeError('gate', `cannot get a gate decision from ${url}: ${what}`, {
      exitCode: EXIT.unavailable,
      hint,
    });
  const startHint = `start the daemon (\`changebridge run\`) or point --url / ${URL_ENV} at it`;
  let response;
  try {
    response = await axios.get<unknown>(endpoint, {
      params: {
        repo: cmd.repo,
        sha: cmd.sha,
        environment: cmd.environment,
        ...(cmd.wait > 0 ? { wait: cmd.wait } : {}),
      },
      timeout: (cmd.wait + GRACE_SECONDS) * 1000,
      validateStatus: () => true,
      // The body is a small JSON object; anything else is not our daemon.
      responseType: 'json',
      maxRedirects: 0,
    });
  } catch (error) {
    // axios's own timeout (ECONNABORTED); an OS-level ETIMEDOUT means unreachable instead.
    if (isAxiosError(error) && error.code === 'ECONNABORTED') return 'timeout';
    const code = isAxiosError(error) ? error.code : undefined;
    const message = error instanceof Error ? error.message : String(error);
    throw unavailable(code ? `${code} (${message})` : message, startHint);
  }
  const { status, data } = response;
  const serverError = errorOf(data);
  if (status === 400) {
    throw new ChangebridgeError(
      'gate',
      `${url} refused the question: ${serverError ?? 'HTTP 400'}`,
      {
        exitCode: EXIT.usage,
        hint: 'check --repo (owner/name), --sha (7 to 64 hex characters), --environment and --wait',
      },
    );
  }
  if (status !== 200) {
    throw unavailable(
      `HTTP ${status}${serverError ? `: ${serverError}` : ''}`,
      status === 404
        ? `is ${withoutCredentials(base)} the changebridge daemon (version with the gate)? fix --url / ${URL_ENV}`
        : status >= 500
          ? 'see the daemon log; run again once it is healthy (GET /readyz)'
          : startHint,
    );
  }
  const parsed = answerSchema.safeParse(data);
  if (!parsed.success) {
    throw unavailable(
      'the answer is not a gate decision',
      `is ${withoutCredentials(base)} the changebridge daemon? fix --url / ${URL_ENV}`,
    );
  }
  return parsed.data;
}

function withoutCredentials(href: string): string {
  const url = new URL(href);
  if (!url.username && !url.password) return href;
  url.username = '';
  url.password = '';
  return url.href;
}

function errorOf(data: unknown): string | undefined {
  const error = (data as { error?: unknown } | null)?.error;
  // The daemon's messages carry its own prefix; ours is added by ChangebridgeError.
  return typeof error === 'string'
    ? error.replace(/^\[changebridge\/api\]\s*/, '').slice(0, 1000)
    : undefined;
}

/** One line with the answer, then each reason on its own line for the CI log. */
function describe(answer: GateAnswer, waited: number): string {
  const target = `${answer.repo}@${answer.sha.slice(0, 12)}`;
  const env = answer.environment;
  const lines: string[] = [];
  switch (answer.decision) {
    case 'allow':
      lines.push(`allow: ${answer.change ?? 'an approved change'} covers ${target} in ${env}`);
      break;
    case 'deny':
      lines.push(
        `deny: ${target} may not be deployed to ${env}${answer.change ? ` under ${answer.change}` : ''}`,
      );
      break;
    case 'pending':
      lines.push(
        `pending: ${answer.change ?? 'the change'} for ${target} in ${env} is not decided yet` +
          (waited > 0 ? ` (waited up to ${waited} s)` : '; pass --wait <seconds> to wait for it'),
      );
      break;
  }
  for (const reason of answer.reasons) lines.push(`- ${reason}`);
  return lines.join('\n');
}

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`"${value}" is not a whole number of seconds`);
  }
  return n;
}
