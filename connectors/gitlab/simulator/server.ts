import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { systemClock, type Clock } from '../../../src/runtime/index.js';
import { buildHookRequest, buildStatusCheckRequest, HookSender } from './hook-sender.js';
import { hookBody } from './hook-payloads.js';
import { Faults, RateLimiter, type RateLimitConfig } from './limits.js';
import { route } from './routes.js';
import { GitLabSimState, SimError } from './state.js';

/**
 * A stateful GitLab on 127.0.0.1 for tests, the demo and benchmarks: REST v4 under
 * `/api/v4` with token auth, paging headers, rate limits and injectable faults, and a
 * hook sender that signs like GitLab. As strict as the real thing on what it accepts.
 */
export interface GitLabSimulatorOptions {
  port?: number;
  host?: string;
  clock?: Clock;
  rateLimit?: RateLimitConfig;
  /** Deliver hooks automatically on every state change. Default true. */
  autoDeliver?: boolean;
}

export interface GitLabSimulator {
  readonly url: string;
  readonly state: GitLabSimState;
  readonly faults: Faults;
  readonly limiter: RateLimiter;
  readonly sender: HookSender;
  /** Requests served, by `METHOD /path` (no query): lets tests count writes. */
  readonly requests: string[];
  flush(): Promise<void>;
  /**
   * GitLab's "Resend request": the same body, `Idempotency-Key` and `X-Gitlab-Event-UUID`,
   * and — for signed hooks — the same `webhook-id` with a fresh timestamp and signature.
   */
  resend(deliveryId: string): Promise<void>;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

export async function startGitLabSimulator(
  options: GitLabSimulatorOptions = {},
): Promise<GitLabSimulator> {
  const clock = options.clock ?? systemClock;
  const state = new GitLabSimState(clock);
  const faults = new Faults();
  const limiter = new RateLimiter(options.rateLimit ?? { limit: 0, windowMs: 60_000 }, clock);
  const sender = new HookSender();
  const requests: string[] = [];
  let baseUrl = '';

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { message: '500 Internal Server Error' });
      else res.destroy(error instanceof Error ? error : undefined);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', baseUrl);
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    if (url.pathname === '/__sim/faults') return control(req, res, raw);
    if (!url.pathname.startsWith('/api/v4/')) return send(res, 404, { error: '404 Not Found' });
    const path = url.pathname.slice('/api/v4'.length);
    requests.push(`${method} ${path}`);

    const fault = faults.take(method, path);
    if (fault?.reset) return void req.socket.destroy();
    if (fault)
      return send(
        res,
        fault.status ?? 500,
        fault.body ?? { message: `${fault.status ?? 500} Internal Server Error` },
        fault.headers,
      );

    const token =
      req.headers['private-token'] ?? req.headers.authorization?.replace(/^Bearer\s+/i, '');
    const limit = limiter.hit(
      typeof token === 'string' && token ? token : (req.socket.remoteAddress ?? 'anon'),
    );
    if (limit.limited) {
      res.writeHead(429, { 'Content-Type': 'text/plain', ...limit.headers });
      return void res.end('Retry later\n');
    }
    const user = [...state.users.values()].find((u) => u.token === token);
    if (!user) return send(res, 401, { message: '401 Unauthorized' }, limit.headers);

    const found = route(method, path);
    if (found === null) return send(res, 404, { error: '404 Not Found' }, limit.headers);
    if (found === 'method')
      return send(res, 405, { error: '405 Method Not Allowed' }, limit.headers);
    let body: Record<string, unknown> = {};
    if (raw.length > 0) {
      const type = req.headers['content-type'] ?? '';
      try {
        body = type.includes('application/x-www-form-urlencoded')
          ? Object.fromEntries(new URLSearchParams(raw.toString('utf8')))
          : (JSON.parse(raw.toString('utf8')) as Record<string, unknown>);
      } catch {
        return send(res, 400, { error: 'The request body is not valid JSON' }, limit.headers);
      }
    }
    try {
      const publicUrl = new URL(url.toString());
      const result = found.handler({
        state,
        user,
        method,
        match: found.match,
        query: url.searchParams,
        body,
        publicUrl,
        baseUrl,
      });
      send(res, result.status, result.body, { ...limit.headers, ...result.headers });
    } catch (error) {
      if (error instanceof SimError) return send(res, error.status, error.body, limit.headers);
      throw error;
    }
  }

  /**
   * Not GitLab: `POST /__sim/faults` with a Fault as JSON queues it, `DELETE` clears all,
   * so a simulator started from the CLI can be made unreliable from a demo script.
   * Needs a valid API token like every other call.
   */
  function control(req: IncomingMessage, res: ServerResponse, raw: Buffer): void {
    const token = req.headers['private-token'];
    if (![...state.users.values()].some((u) => u.token === token)) {
      return send(res, 401, { message: '401 Unauthorized' });
    }
    if (req.method === 'DELETE') {
      faults.clear();
      return send(res, 204, null);
    }
    if (req.method !== 'POST') return send(res, 405, { error: '405 Method Not Allowed' });
    const parsed = faultSchema.safeParse(safeJson(raw));
    if (!parsed.success) {
      return send(res, 400, { error: `fault: ${parsed.error.issues[0]?.message ?? 'invalid'}` });
    }
    faults.inject(parsed.data);
    return send(res, 201, parsed.data);
  }

  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const addr = server.address() as AddressInfo;
  baseUrl = `http://${options.host ?? '127.0.0.1'}:${addr.port}`;

  if (options.autoDeliver !== false) {
    state.onHappening((h) => {
      const body = JSON.stringify(hookBody(state, h, baseUrl));
      if (h.hook === 'External Status Check') {
        sender.send(h.hook, buildStatusCheckRequest(h.rule!, body));
        return;
      }
      for (const hook of state.project(h.projectId).hooks) {
        if (hook.events && !hook.events.includes(h.hook)) continue;
        sender.send(
          h.hook,
          buildHookRequest(hook, h.hook, body, { instance: baseUrl, now: clock.now() }),
        );
      }
    });
  }

  return {
    url: baseUrl,
    state,
    faults,
    limiter,
    sender,
    requests,
    flush: () => sender.flush(),
    resend: (deliveryId) => {
      const d = sender.deliveries.find((x) => x.id === deliveryId);
      const hook =
        d &&
        [...state.projects.values()].flatMap((p) => p.hooks).find((x) => x.url === d.request.url);
      if (!d || !hook)
        throw new Error(`[changebridge/gitlab-sim] no hook delivery ${deliveryId} to resend`);
      const h = d.request.headers;
      return sender.redeliver(
        deliveryId,
        buildHookRequest(hook, d.hookEvent, d.request.body, {
          instance: baseUrl,
          now: clock.now(),
          ...(h['idempotency-key'] ? { idempotencyKey: h['idempotency-key'] } : {}),
          ...(h['x-gitlab-event-uuid'] ? { eventUuid: h['x-gitlab-event-uuid'] } : {}),
        }),
      );
    },
    close: async () => {
      await sender.flush();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((e) => (e ? reject(e) : resolve())),
      );
    },
  };
}

const faultSchema = z.strictObject({
  method: z.string().optional(),
  pathPrefix: z.string().optional(),
  times: z.number().int().positive(),
  status: z.number().int().min(400).max(599).optional(),
  reset: z.boolean().optional(),
  body: z.unknown().optional(),
  headers: z.record(z.string(), z.string()).optional(),
});

function safeJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(status === 204 ? undefined : JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new SimError(413, { message: '413 Request Entity Too Large' });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
