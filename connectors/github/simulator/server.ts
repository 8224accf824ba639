import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../../src/runtime/index.js';
import type { Credentials } from './credentials.js';
import type { FaultQueue } from './faults.js';
import { SECONDARY_MESSAGE, type RateLimiter } from './limits.js';
import { routes } from './routes.js';
import type { GitHubSimState } from './state.js';

/** HTTP plumbing of the simulator: faults, auth, rate limits, JSON bodies, routing. */
export interface ServerParts {
  state: GitHubSimState;
  credentials: Credentials;
  limiter: RateLimiter;
  faults: FaultQueue;
  clock: Clock;
  /** Every request seen, for tests counting calls. */
  log: { method: string; path: string; status: number }[];
}

const MAX_BODY = 1024 * 1024;
const DOCS = 'https://docs.github.com/rest';

export function startServer(
  parts: ServerParts,
  port = 0,
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    void handle(parts, req, res).catch((error: unknown) => {
      send(res, 500, {
        message: `simulator error: ${error instanceof Error ? error.message : String(error)}`,
      });
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: p } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${p}` });
    });
  });
}

async function handle(p: ServerParts, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
  // GHES serves the same API under /api/v3.
  const path = url.pathname.replace(/^\/api\/v3(?=\/)/, '');
  const raw = await readBody(req);
  const done = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
    p.log.push({ method, path, status });
    send(res, status, body, headers);
  };
  const fault = p.faults.take(method, path);
  if (fault?.kind === 'reset') {
    p.log.push({ method, path, status: 0 });
    req.socket.destroy();
    return;
  }
  if (fault?.kind === 'secondary-rate-limit')
    return done(403, { message: SECONDARY_MESSAGE, documentation_url: DOCS });
  if (fault?.kind === 'status')
    return done(fault.status ?? 500, fault.body ?? { message: 'Server Error' }, fault.headers);

  const nowMs = p.clock.now().getTime();
  const caller = p.credentials.identify(req.headers.authorization, nowMs);
  if (!caller) {
    const message = req.headers.authorization ? 'Bad credentials' : 'Requires authentication';
    return done(401, { message, documentation_url: DOCS, status: '401' });
  }
  if (caller.kind === 'app' && !path.startsWith('/app')) {
    return done(401, {
      message: 'A JSON web token can only be used for /app endpoints',
      documentation_url: DOCS,
      status: '401',
    });
  }
  const limit = p.limiter.check(caller.id, method, nowMs);
  if (limit.error)
    return done(
      limit.error.status,
      { message: limit.error.message, documentation_url: DOCS },
      limit.headers,
    );

  let body: unknown = undefined;
  if (raw.length > 0) {
    if (raw.length > MAX_BODY) return done(413, { message: 'Payload too large' }, limit.headers);
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return done(
        400,
        { message: 'Problems parsing JSON', documentation_url: DOCS, status: '400' },
        limit.headers,
      );
    }
  }
  for (const [m, re, handler] of routes) {
    const match = re.exec(path);
    if (!match) continue;
    if (m !== method) continue;
    const out = handler({
      state: p.state,
      credentials: p.credentials,
      caller,
      params: match.slice(1).map((x) => decodeURIComponent(x)),
      query: url.searchParams,
      body,
      nowMs,
      url: `${url.origin}${url.pathname}`,
    });
    return done(out.status, out.body, { ...limit.headers, ...out.headers });
  }
  return done(404, { message: 'Not Found', documentation_url: DOCS, status: '404' }, limit.headers);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY + 1) chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = status === 204 || body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    'x-github-api-version-selected': '2022-11-28',
    'x-github-request-id': `SIM:${Math.random().toString(16).slice(2, 10).toUpperCase()}`,
    ...headers,
  });
  res.end(text);
}
