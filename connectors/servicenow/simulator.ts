import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../../src/runtime/index.js';
import { isTableName, type TableName } from './schema.js';
import { SimAuth, type SimOAuthClient, type SimUser } from './simulator-auth.js';
import {
  ERR_401,
  linkHeader,
  sendError,
  sendJson,
  envelope,
  statusMessage,
} from './simulator-http.js';
import {
  FaultInjector,
  RateLimiter,
  seededRandom,
  type FaultRule,
  type RateFaultOptions,
  type RateLimitOptions,
} from './simulator-faults.js';
import { RequestMeter } from '../../src/runtime/request-meter.js';
import { renderRow, type RenderOptions } from './simulator-render.js';
import { SimState, SimWriteError } from './simulator-state.js';
import { BusinessRuleSender, type BusinessRuleTarget } from './simulator-business-rule.js';

export type { BusinessRuleTarget } from './simulator-business-rule.js';

/**
 * A stateful ServiceNow instance on 127.0.0.1 for tests, the demo and benchmarks: Table API
 * (`/api/now/table/{table}[/{sys_id}]`), Basic and OAuth (`/oauth_token.do`, tokens that
 * expire), rate limiting, fault injection, and an outbound "business rule" that posts
 * `{table, sys_id, sys_updated_on, operation}` to a URL whenever a record changes.
 * It is deliberately not kind: quirks from API-NOTES.md are reproduced, not smoothed over.
 *
 * Faults: `injectFault({nth | rate, fault})` for one scripted kind; `injectFaults({rate,
 * kinds, seed})`, or `faults` at construction, fails each matching request with probability
 * `rate`, the kind picked uniformly from '429-retry-after', '429', '500', '502', '503',
 * 'reset'; `clearFaults()` removes all. Faulted requests change no state (the token endpoint
 * is never faulted). `requestCount` and `maxRequestsPerWindow(ms)` read a meter of arrival
 * times (monotonic, faulted requests included), e.g. to assert a client kept its rate.
 */

export interface ServiceNowSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  clock?: Clock;
  users?: SimUser[];
  oauthClients?: SimOAuthClient[];
  /** Lifetime of an access token in seconds (default 1800, as on an instance). */
  tokenTtlSeconds?: number;
  rateLimit?: RateLimitOptions;
  /** Seed of the fault injector's generator. */
  seed?: number;
  /** Rate-based faults from the start, as `injectFaults`. */
  faults?: RateFaultOptions;
  businessRule?: BusinessRuleTarget;
  /** Largest sysparm_limit honoured (an instance's default is 10000). */
  maxLimit?: number;
}

export interface SimRequestLog {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
}

export const DEFAULT_SIM_USER: SimUser = {
  userName: 'changebridge.integration',
  password: 'changebridge',
};
export const DEFAULT_SIM_CLIENT: SimOAuthClient = {
  clientId: 'changebridge',
  clientSecret: 'changebridge-secret',
};

export class ServiceNowSimulator {
  readonly state: SimState;
  readonly faults: FaultInjector;
  readonly requests: SimRequestLog[] = [];
  private readonly meter = new RequestMeter();
  url = '';
  private server: Server | undefined;
  private readonly clock: Clock;
  private readonly auth: SimAuth;
  private rateLimiter: RateLimiter | undefined;
  private readonly businessRule: BusinessRuleSender;

  constructor(private readonly options: ServiceNowSimulatorOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.state = new SimState(this.clock);
    this.faults = new FaultInjector(seededRandom(options.seed ?? 1));
    if (options.faults) this.faults.addRate(options.faults);
    this.auth = new SimAuth(
      options.users ?? [DEFAULT_SIM_USER],
      options.oauthClients ?? [DEFAULT_SIM_CLIENT],
      this.clock,
      options.tokenTtlSeconds ?? 1800,
    );
    this.rateLimiter = options.rateLimit ? new RateLimiter(options.rateLimit) : undefined;
    this.businessRule = new BusinessRuleSender(options.businessRule);
    this.state.onChange((c) => this.businessRule.fire(c));
  }

  /** Counters tests assert on. */
  get stats(): { tokenRequests: number; businessRulePosts: number; businessRuleFailures: number } {
    return {
      tokenRequests: this.auth.tokenRequests,
      businessRulePosts: this.businessRule.counts.posts,
      businessRuleFailures: this.businessRule.counts.failures,
    };
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.meter.record();
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void this.handle(req, res, Buffer.concat(chunks).toString('utf8')).catch((err: unknown) => {
          if (!res.headersSent) sendError(res, 500, 'Internal Server Error', String(err));
        });
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', resolve);
    });
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://${this.options.host ?? '127.0.0.1'}:${port}`;
    return this;
  }

  async stop(): Promise<void> {
    await this.flushOutbound();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  injectFault(rule: FaultRule): void {
    this.faults.add(rule);
  }

  /** Each matching request fails with probability `options.rate` (seeded, repeatable). */
  injectFaults(options: RateFaultOptions): void {
    this.faults.addRate(options);
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

  setRateLimit(options: RateLimitOptions | undefined): void {
    this.rateLimiter = options ? new RateLimiter(options) : undefined;
  }

  setBusinessRule(target: BusinessRuleTarget | undefined): void {
    this.businessRule.target = target;
  }

  /** Expire every access token now (as if the instance restarted or they were revoked). */
  revokeTokens(): void {
    this.auth.revoke();
  }

  /** Resolves once every business-rule post sent so far has finished. */
  async flushOutbound(): Promise<void> {
    await this.businessRule.flush();
  }

  private async handle(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const method = (req.method ?? 'GET').toUpperCase();
    const query = Object.fromEntries(url.searchParams);
    // `close` also fires for a destroyed socket (status 0: the client got no answer).
    res.on('close', () =>
      this.requests.push({
        method,
        path: url.pathname,
        query,
        status: res.writableFinished ? res.statusCode : 0,
      }),
    );

    if (url.pathname === '/oauth_token.do' && method === 'POST') return this.auth.token(res, body);
    const fault = this.faults.pick(method, url.pathname);
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    // Real time even when the simulator runs on a manual clock: a delay is about sockets.
    if (fault?.kind === 'delay') await systemClock.sleep(fault.ms);
    if (fault?.kind === 'status') {
      const headers = { 'Content-Type': 'application/json', ...(fault.headers ?? {}) };
      res.writeHead(fault.status, headers);
      res.end(
        JSON.stringify(
          fault.body ?? envelope(statusMessage(fault.status), `Injected fault ${fault.status}`),
        ),
      );
      return;
    }
    const user = this.auth.authenticate(req);
    if (!user) return sendError(res, 401, ERR_401.message, ERR_401.detail);
    if (this.rateLimiter) {
      const verdict = this.rateLimiter.check(this.clock.now().getTime());
      if (!verdict.allowed) {
        res.writeHead(429, { 'Content-Type': 'application/json', ...verdict.headers });
        res.end(
          JSON.stringify(
            envelope(
              'Rate limit exceeded',
              `Rate limit of ${this.options.rateLimit?.limit ?? 0} requests per hour for Table API exceeded`,
            ),
          ),
        );
        return;
      }
    }
    const m = /^\/api\/now\/(?:v\d+\/)?table\/([^/]+)(?:\/([^/]+))?$/.exec(url.pathname);
    if (!m) return sendError(res, 400, 'Requested URI does not represent any resource', null);
    const table = decodeURIComponent(m[1]!);
    const sysId = m[2] ? decodeURIComponent(m[2]) : undefined;
    if (!isTableName(table)) return sendError(res, 400, `Invalid table ${table}`, null);
    const render: RenderOptions = {
      displayValue: (['true', 'all'].includes(query.sysparm_display_value ?? '')
        ? query.sysparm_display_value
        : 'false') as RenderOptions['displayValue'],
      excludeReferenceLink: query.sysparm_exclude_reference_link === 'true',
      fields: query.sysparm_fields
        ? query.sysparm_fields
            .split(',')
            .map((f) => f.trim())
            .filter(Boolean)
        : undefined,
      baseUrl: this.url,
    };
    try {
      if (method === 'GET' && !sysId) return this.list(res, table, query, render, url.pathname);
      if (method === 'GET' && sysId) {
        const row = this.state.get(table, sysId);
        if (!row)
          return sendError(
            res,
            404,
            'No Record found',
            "Record doesn't exist or ACL restricts the record retrieval",
          );
        return sendJson(res, 200, { result: renderRow(this.state, table, row, render) });
      }
      if (method === 'DELETE' && sysId) {
        this.state.delete(table, sysId);
        res.writeHead(204);
        res.end();
        return;
      }
      if (method !== 'POST' && method !== 'PATCH' && method !== 'PUT') {
        return sendError(
          res,
          405,
          'Method not Supported',
          `${method} is not supported on this resource`,
        );
      }
      let values: unknown;
      try {
        values = body === '' ? {} : JSON.parse(body);
      } catch {
        return sendError(
          res,
          400,
          'Exception while reading request',
          'The payload is not valid JSON.',
        );
      }
      if (typeof values !== 'object' || values === null || Array.isArray(values)) {
        return sendError(
          res,
          400,
          'Exception while reading request',
          'The payload is not a JSON object.',
        );
      }
      const fields = values as Record<string, unknown>;
      if (method === 'POST' && !sysId) {
        const row = this.state.insert(table, fields, { user });
        const location = `${this.url}/api/now/table/${table}/${row.sys_id}`;
        sendJson(
          res,
          201,
          { result: renderRow(this.state, table, row, render) },
          { Location: location },
          fault,
        );
        return;
      }
      if (!sysId) return sendError(res, 405, 'Method not Supported', `${method} needs a sys_id`);
      const row = this.state.update(table, sysId, fields, { user });
      sendJson(res, 200, { result: renderRow(this.state, table, row, render) }, {}, fault);
    } catch (error) {
      if (error instanceof SimWriteError)
        return sendError(res, error.status, error.message, error.detail);
      throw error;
    }
  }

  private list(
    res: ServerResponse,
    table: TableName,
    q: Record<string, string>,
    render: RenderOptions,
    path: string,
  ): void {
    const rows = this.state.query(table, q.sysparm_query ?? '');
    const maxLimit = this.options.maxLimit ?? 10_000;
    const rawLimit = Number(q.sysparm_limit);
    const limit =
      Number.isInteger(rawLimit) && rawLimit > 0 ? Math.min(rawLimit, maxLimit) : maxLimit;
    const rawOffset = Number(q.sysparm_offset);
    const offset = Number.isInteger(rawOffset) && rawOffset > 0 ? rawOffset : 0;
    const page = rows.slice(offset, offset + limit);
    const headers: Record<string, string> = {
      Link: linkHeader(`${this.url}${path}`, q, offset, limit, rows.length),
    };
    if (q.sysparm_no_count !== 'true') headers['X-Total-Count'] = String(rows.length);
    sendJson(
      res,
      200,
      { result: page.map((r) => renderRow(this.state, table, r, render)) },
      headers,
    );
  }
}

/** Start a simulator (convenience for tests). */
export async function startServiceNowSimulator(
  options: ServiceNowSimulatorOptions = {},
): Promise<ServiceNowSimulator> {
  return new ServiceNowSimulator(options).start();
}
