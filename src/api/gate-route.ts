import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { GateVerdict } from '../policy/gate.js';
import { systemClock, type Clock, type Logger } from '../runtime/index.js';
import { API } from './errors.js';

/**
 * `GET /api/v1/gate?repo=&sha=&environment=[&wait=]` (DESIGN §6, §9): may this commit be
 * deployed to this environment now? The decision itself is `decide`'s (the pure
 * `decideGate` over the store, wired in the composition root); this file only validates
 * the question, long-polls while the answer is `pending`, and answers. `changebridge gate`
 * is its client for CI pipelines (docs/gates.md).
 */
export interface GateQuery {
  /** `owner/name`; GitLab groups may nest (`group/subgroup/name`). */
  repo: string;
  /** Full or abbreviated commit id, lower case. */
  sha: string;
  environment: string;
}

export type DecideGate = (query: GateQuery) => Promise<GateVerdict>;

export interface GateRouteDeps {
  decide: DecideGate;
  logger: Logger;
  clock?: Clock;
  /** How often a long poll asks `decide` again while the answer is pending (default 1000). */
  pollIntervalMs?: number;
  /** Largest `wait` accepted, in seconds (default 300). */
  maxWaitSeconds?: number;
}

export const GATE_PATH = '/api/v1/gate';
const EXAMPLE = `${GATE_PATH}?repo=acme/payments&sha=4f2a9c1&environment=production&wait=60`;

/** A path segment as GitHub and GitLab allow them; `.` and `..` alone are never names. */
const REPO = /^(?!\.{1,2}(?:\/|$))[\w.-]+(?:\/(?!\.{1,2}(?:\/|$))[\w.-]+)+$/;
const SHA = /^[0-9a-f]{7,64}$/i;
// Control characters would let a caller forge lines in logs and reports downstream.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function querySchema(maxWaitSeconds: number) {
  return z.strictObject({
    repo: z.string().max(255).regex(REPO),
    sha: z
      .string()
      .regex(SHA)
      .transform((s) => s.toLowerCase()),
    environment: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .refine((s) => !CONTROL.test(s)),
    wait: z
      .string()
      .regex(/^\d{1,7}$/)
      .transform(Number)
      .pipe(z.number().int().min(0).max(maxWaitSeconds))
      .optional(),
  });
}

/** What each parameter must look like, for the 400 answer; the fix is in the sentence. */
function expected(param: string, maxWaitSeconds: number): string {
  switch (param) {
    case 'repo':
      return 'must be the repository as owner/name (GitLab groups may nest: group/subgroup/name), letters, digits, ".", "-" and "_" only, at most 255 characters';
    case 'sha':
      return 'must be the commit id, 7 to 64 hexadecimal characters';
    case 'environment':
      return 'must be the deployment environment name (e.g. production), 1 to 100 characters';
    case 'wait':
      return `must be a whole number of seconds from 0 to ${maxWaitSeconds}, how long to wait while the decision is pending`;
    default:
      return 'is not a parameter of this endpoint';
  }
}

function describeQueryProblems(
  error: z.ZodError,
  raw: Record<string, unknown>,
  maxWaitSeconds: number,
): string {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => `"${k.slice(0, 40)}"`).join(', ');
      problems.push(
        `unknown query parameter(s) ${keys}; the parameters are repo, sha, environment and wait`,
      );
      continue;
    }
    const param = String(issue.path[0] ?? '');
    if (seen.has(param)) continue;
    seen.add(param);
    const value = raw[param];
    const got =
      value === undefined
        ? 'it is missing'
        : Array.isArray(value)
          ? 'it was given more than once'
          : `got ${JSON.stringify(String(value).slice(0, 80))}`;
    problems.push(`query parameter "${param}" ${expected(param, maxWaitSeconds)}; ${got}`);
  }
  return `${API} GET ${GATE_PATH}: ${problems.join('; ')} (e.g. GET ${EXAMPLE})`;
}

export function registerGateRoute(app: FastifyInstance, deps: GateRouteDeps): void {
  const clock = deps.clock ?? systemClock;
  const pollIntervalMs = Math.max(1, deps.pollIntervalMs ?? 1000);
  const maxWaitSeconds = deps.maxWaitSeconds ?? 300;
  const schema = querySchema(maxWaitSeconds);

  // A shutdown must not wait out every long poll: they answer what they know at once.
  const closing = new AbortController();
  app.addHook('preClose', async () => closing.abort(new Error('server closing')));

  app.get(GATE_PATH, async (request: FastifyRequest, reply: FastifyReply) => {
    const raw = (request.query ?? {}) as Record<string, unknown>;
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      return reply
        .code(400)
        .send({ error: describeQueryProblems(parsed.error, raw, maxWaitSeconds) });
    }
    const { wait = 0, ...query } = parsed.data;

    // The response closing before it finished is the unambiguous "caller hung up" signal
    // (request.raw 'close' fires too, but also after every normal answer).
    const gone = new AbortController();
    const onClose = () => {
      if (!reply.raw.writableFinished) gone.abort(new Error('client disconnected'));
    };
    reply.raw.once('close', onClose);
    const signal = AbortSignal.any([closing.signal, gone.signal]);

    const started = clock.now().getTime();
    const deadline = started + wait * 1000;
    let verdict = await deps.decide(query);
    let evaluations = 1;
    while (verdict.decision === 'pending' && !signal.aborted) {
      const left = deadline - clock.now().getTime();
      if (left <= 0) break;
      try {
        await clock.sleep(Math.min(pollIntervalMs, left), signal);
      } catch {
        break; // aborted: the caller left or the server is closing
      }
      verdict = await deps.decide(query);
      evaluations += 1;
    }
    reply.raw.off('close', onClose);

    const evaluatedAt = clock.now();
    deps.logger.info('gate.decided', {
      repo: query.repo,
      sha: query.sha.slice(0, 12),
      environment: query.environment,
      decision: verdict.decision,
      change: verdict.change,
      waitedMs: evaluatedAt.getTime() - started,
      evaluations,
      ...(gone.signal.aborted ? { clientGone: true } : {}),
      ...(closing.signal.aborted ? { serverClosing: true } : {}),
    });
    return reply.header('cache-control', 'no-store').send({
      decision: verdict.decision,
      change: verdict.change,
      reasons: verdict.reasons,
      repo: query.repo,
      sha: query.sha,
      environment: query.environment,
      evaluatedAt: evaluatedAt.toISOString(),
    });
  });
}

/**
 * The same path in a process that was started without a gate (a store-less test server, a
 * tool embedding the HTTP side): say so, rather than a 404 that reads like a wrong URL.
 */
export function registerGateNotConfigured(app: FastifyInstance): void {
  app.get(GATE_PATH, async (_request, reply) =>
    reply.code(503).send({
      error: `${API} the gate is not configured in this process; run the daemon with \`changebridge run\` (docs/gates.md)`,
    }),
  );
}
