import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { issueRoutes } from './simulator-routes-issues.js';
import { recordRoutes } from './simulator-routes-records.js';
import {
  parseJsonBody,
  readBody,
  send,
  sendError,
  SimHttpError,
  type Route,
  type SimRequest,
} from './simulator-http.js';
import {
  JiraFaults,
  rateLimitHeaders,
  type Fault,
  type RateFaultOptions,
} from './simulator-faults.js';
import { RequestMeter } from '../../src/runtime/request-meter.js';
import type { RenderContext } from './simulator-render.js';
import { SimState } from './simulator-state.js';
import { WebhookSender, type WebhookSenderOptions } from './simulator-webhooks.js';

/**
 * A stateful Jira Cloud REST v3 on 127.0.0.1, as strict as the real one: Basic (email +
 * API token) or Bearer auth, Jira's error envelope, 429 with Retry-After and X-RateLimit-*,
 * `search/jql` with `nextPageToken` and 400 on unbounded JQL, injected faults, and a
 * webhook sender that signs like a Jira admin webhook with a secret.
 *
 * Faults (see simulator-faults.ts): `injectFault({status, times})` scripts the next N
 * matching requests; `injectFaults({rate, kinds, seed})`, or `faults` at construction, fails
 * each matching request with probability `rate` (kinds: '429-retry-after', '429', '500',
 * '502', '503', 'reset'); `clearFaults()` removes both. A faulted request changes no state.
 * Rate meter (see simulator-meter.ts): every request that reaches the socket, faulted or
 * not, is timed on arrival; `maxRequestsPerWindow(ms)` and `requestCount` read it back, so
 * an end-to-end test can assert a client never exceeded its configured rate.
 *
 *   const sim = new JiraSimulator({ faults: { rate: 0.2, seed: 7 } });
 *   // … run the daemon …
 *   expect(sim.maxRequestsPerWindow(1000)).toBeLessThanOrEqual(10);
 */

export interface JiraSimulatorOptions {
  port?: number;
  /** Accepted credentials. */
  email?: string;
  apiToken?: string;
  bearerToken?: string;
  /** The account's time zone: JQL dates and rendered timestamps use it. */
  timeZone?: string;
  /** Burst limit: at most `requests` per `windowMs`; then 429. */
  rateLimit?: { requests: number; windowMs: number };
  now?: () => number;
  webhooks?: Partial<WebhookSenderOptions>;
  /** Rate-based faults from the start, as `injectFaults`. */
  faults?: RateFaultOptions;
  /**
   * JQL naming an issue that does not exist (`key IN (OPS-1, OPS-404)`): `error` answers 400
   * "An issue with key 'OPS-404' does not exist for field 'key'." as Jira does (default);
   * `ignore` just finds nothing for it, to test clients against a lenient proxy or version.
   */
  unknownIssuesInJql?: 'error' | 'ignore';
}

export type { Fault, FaultPreset, RateFaultOptions } from './simulator-faults.js';

export interface LoggedRequest {
  method: string;
  path: string;
  /** 0 when the socket was reset without an answer. */
  status: number;
}

const MAX_LOGGED = 100_000;

export const SIM_ACCOUNT_ID = '5b10a2844c20165700ede21g';

export class JiraSimulator {
  readonly state: SimState;
  readonly requests: LoggedRequest[] = [];
  /** Test hook: runs before each authorised request is routed (e.g. to edit issues mid-paging). */
  beforeHandle: ((method: string, path: string) => void) | undefined;
  readonly webhooks: WebhookSender;
  readonly email: string;
  readonly apiToken: string;
  readonly bearerToken: string;
  private server: Server | undefined;
  private routes: Route[] = [];
  private readonly faults: JiraFaults;
  private readonly meter = new RequestMeter();
  private window = { start: 0, count: 0 };
  private ctx: RenderContext;
  private readonly now: () => number;

  constructor(private readonly options: JiraSimulatorOptions = {}) {
    this.now = options.now ?? Date.now;
    this.state = new SimState(this.now);
    this.email = options.email ?? 'integration@example.com';
    this.apiToken = options.apiToken ?? 'sim-api-token';
    this.bearerToken = options.bearerToken ?? 'sim-oauth-token';
    this.state.addUser({
      accountId: SIM_ACCOUNT_ID,
      displayName: 'changebridge integration',
      emailAddress: this.email,
      timeZone: options.timeZone ?? 'UTC',
    });
    this.ctx = {
      state: this.state,
      baseUrl: 'http://127.0.0.1',
      timeZone: options.timeZone ?? 'UTC',
    };
    this.webhooks = new WebhookSender(this.state, () => this.ctx, options.webhooks ?? {}, this.now);
    this.faults = new JiraFaults(options.rateLimit?.requests ?? 100);
    if (options.faults) this.faults.injectRate(options.faults);
  }

  get url(): string {
    return this.ctx.baseUrl;
  }

  async start(): Promise<string> {
    const deps = {
      state: this.state,
      ctx: this.ctx,
      currentUser: () => SIM_ACCOUNT_ID,
      search: { unknownIssues: this.options.unknownIssuesInJql ?? 'error' },
    };
    this.routes = [...issueRoutes(deps), ...recordRoutes(deps)];
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, '127.0.0.1', () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    this.ctx.baseUrl = `http://127.0.0.1:${port}`;
    return this.ctx.baseUrl;
  }

  async stop(): Promise<void> {
    await this.webhooks.idle();
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = undefined;
  }

  /** The next `fault.times` matching requests answer `fault.status`. */
  injectFault(fault: Fault): void {
    this.faults.inject(fault);
  }

  /** Each matching request fails with probability `options.rate` (seeded, repeatable). */
  injectFaults(options: RateFaultOptions): void {
    this.faults.injectRate(options);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Every request that arrived, including faulted, rejected and reset ones. */
  get requestCount(): number {
    return this.meter.requestCount;
  }

  /** The most requests that arrived within any sliding window of `windowMs` (monotonic). */
  maxRequestsPerWindow(windowMs: number): number {
    return this.meter.maxRequestsPerWindow(windowMs);
  }

  countRequests(filter: (r: LoggedRequest) => boolean = () => true): number {
    return this.requests.filter(filter).length;
  }

  private authorised(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    if (header.startsWith('Bearer ')) return header.slice(7) === this.bearerToken;
    if (header.startsWith('Basic ')) {
      return (
        Buffer.from(header.slice(6), 'base64').toString('utf8') === `${this.email}:${this.apiToken}`
      );
    }
    return false;
  }

  private rateLimited(): SimHttpError | null {
    const limit = this.options.rateLimit;
    if (!limit) return null;
    const now = this.now();
    if (now - this.window.start >= limit.windowMs) this.window = { start: now, count: 0 };
    this.window.count += 1;
    if (this.window.count <= limit.requests) return null;
    const resetMs = this.window.start + limit.windowMs;
    return new SimHttpError(
      429,
      ['Rate limit exceeded.'],
      {},
      rateLimitHeaders(limit.requests, resetMs, now),
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.meter.record();
    const url = new URL(req.url ?? '/', this.ctx.baseUrl);
    const method = (req.method ?? 'GET').toUpperCase();
    const log = (status: number): void => {
      this.requests.push({ method, path: url.pathname, status });
      // A long-running `sim jira` must not grow without bound.
      if (this.requests.length > MAX_LOGGED)
        this.requests.splice(0, this.requests.length - MAX_LOGGED);
    };
    try {
      const raw = await readBody(req);
      if (!this.authorised(req)) {
        throw new SimHttpError(401, [
          'You are not authenticated. Authentication required to perform this operation.',
        ]);
      }
      const limited = this.rateLimited();
      if (limited) throw limited;
      this.beforeHandle?.(method, url.pathname);
      const fault = this.faults.take(method, url.pathname, this.now());
      if (fault?.kind === 'reset') {
        log(0);
        req.socket.destroy();
        return;
      }
      if (fault) {
        log(fault.response.status);
        send(res, fault.response);
        return;
      }
      const matched = this.match(method, url.pathname);
      if (!matched)
        throw new SimHttpError(404, [`No REST resource matches ${method} ${url.pathname}`]);
      const request: SimRequest = {
        method,
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: parseJsonBody(req, raw),
        params: matched.params,
      };
      const out = await matched.route.handler(request);
      log(out.status);
      send(res, out);
    } catch (e) {
      const err =
        e instanceof SimHttpError
          ? e
          : new SimHttpError(500, [`Internal server error: ${(e as Error).message}`]);
      log(err.status);
      sendError(res, err);
    }
  }

  private match(
    method: string,
    path: string,
  ): { route: Route; params: Record<string, string> } | null {
    for (const r of this.routes) {
      if (r.method !== method) continue;
      const m = r.pattern.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      r.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1] ?? '')));
      return { route: r, params };
    }
    return null;
  }
}
