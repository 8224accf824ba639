import { z } from 'zod';
import {
  HttpError,
  systemClock,
  type Clock,
  type HttpClient,
  type HttpClientFactory,
  type HttpResponse,
  type QueryValue,
} from '../../src/runtime/index.js';
import { createAuthProvider, type AuthProvider } from './auth.js';
import type { ServiceNowAuth } from './options.js';
import { fieldList, type EncodedQuery } from './query.js';
import type { TableName } from './schema.js';

/**
 * The Table API over the shared HTTP layer (one queue per host, one retry layer): reads
 * ask for raw values (`sysparm_display_value=false`) and plain sys_ids for references
 * (`sysparm_exclude_reference_link=true`), so every value is a string. Responses are
 * checked with zod at this boundary. https://docs.servicenow.com — Table API.
 */

/** A record as the Table API returns it with exclude_reference_link: every value a string. */
export type SnRecord = Record<string, string>;

/**
 * One record: a JSON object whose values become strings. Checked as an object and then
 * converted field by field in one pass (a page holds up to thousands of records of dozens
 * of fields: validating each key and value through `z.record` cost three times the page's
 * JSON.parse).
 */
const recordSchema = z
  .custom<Record<string, unknown>>(
    (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
    { message: 'expected a record (a JSON object)' },
  )
  .transform((raw): SnRecord => {
    const out: SnRecord = {};
    for (const k in raw) {
      if (!Object.prototype.hasOwnProperty.call(raw, k)) continue;
      const v = raw[k];
      // A reference still comes as {link, value} if the link flag was dropped by a proxy.
      if (typeof v === 'object' && v !== null && 'value' in v)
        out[k] = String((v as { value: unknown }).value ?? '');
      else out[k] = v === null || v === undefined ? '' : String(v);
    }
    return out;
  });
const listSchema = z.object({ result: z.array(recordSchema) });
const singleSchema = z.object({ result: recordSchema });

export interface ListOptions {
  query: EncodedQuery;
  fields?: readonly string[];
  limit: number;
  offset?: number;
  /** Skip the COUNT the instance runs for X-Total-Count (cheaper on big tables). */
  noCount?: boolean;
  signal?: AbortSignal;
}

export interface ListPage {
  records: SnRecord[];
  /** From `X-Total-Count`, when the instance counted. */
  total: number | undefined;
  /** The `Link` header names a `rel="next"` page: the instance cut this one short. */
  hasNext: boolean;
}

export interface ServiceNowClientOptions {
  baseUrl: string;
  auth: ServiceNowAuth;
  http: HttpClientFactory;
  clock?: Clock;
  /** Custom columns allowed besides schema.ts (the configured correlation field). */
  extraFields?: readonly string[];
}

export class ServiceNowClient {
  readonly baseUrl: string;
  private readonly http: HttpClient;
  readonly auth: AuthProvider;
  readonly extraFields: readonly string[];

  constructor(options: ServiceNowClientOptions) {
    this.extraFields = options.extraFields ?? [];
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    const tokenClient = options.http.client(this.baseUrl);
    this.auth = createAuthProvider(options.auth, tokenClient, options.clock ?? systemClock);
    // Credentials are resolved before a call enters the host queue, not in an auth hook
    // inside it: a token refresh goes through the same host queue, and calls holding every
    // slot while waiting for it would deadlock. A token that expires during a long retry
    // wait is answered 401 and refreshed below.
    this.http = options.http.client(this.baseUrl, { headers: { Accept: 'application/json' } });
  }

  /** `GET /api/now/table/{table}` — one page. */
  async list(table: TableName, o: ListOptions): Promise<ListPage> {
    const params: Record<string, QueryValue> = {
      sysparm_query: o.query.toString(),
      sysparm_limit: o.limit,
      sysparm_display_value: 'false',
      sysparm_exclude_reference_link: 'true',
    };
    if (o.query.table !== table) throw new Error(`query built for ${o.query.table}, not ${table}`);
    if (o.fields) params.sysparm_fields = fieldList(table, o.fields, this.extraFields);
    if (o.offset) params.sysparm_offset = o.offset;
    if (o.noCount) params.sysparm_no_count = 'true';
    const res = await this.send((auth) =>
      this.http.get(`/api/now/table/${table}`, { params, signal: o.signal, headers: auth }),
    );
    const body = parse(listSchema, res, `GET /api/now/table/${table}`);
    const total = Number(res.headers['x-total-count']);
    return {
      records: body.result,
      total: Number.isFinite(total) ? total : undefined,
      hasNext: /rel="next"/.test(res.headers.link ?? ''),
    };
  }

  /** `GET /api/now/table/{table}/{sys_id}`; null on 404 (missing, or hidden by an ACL). */
  async get(table: TableName, sysId: string, fields?: readonly string[]): Promise<SnRecord | null> {
    const params: Record<string, QueryValue> = {
      sysparm_display_value: 'false',
      sysparm_exclude_reference_link: 'true',
    };
    if (fields) params.sysparm_fields = fieldList(table, fields, this.extraFields);
    try {
      const res = await this.send((auth) =>
        this.http.get(`/api/now/table/${table}/${encodeURIComponent(sysId)}`, {
          params,
          headers: auth,
        }),
      );
      return parse(singleSchema, res, `GET /api/now/table/${table}/{sys_id}`).result;
    } catch (error) {
      if (error instanceof HttpError && error.status === 404) return null;
      throw error;
    }
  }

  /** `POST /api/now/table/{table}` → the created record. Never retried after a reset. */
  async create(table: TableName, values: Record<string, string>): Promise<SnRecord> {
    fieldList(table, Object.keys(values), this.extraFields);
    const res = await this.send((auth) =>
      this.http.post(`/api/now/table/${table}`, values, {
        params: { sysparm_exclude_reference_link: 'true', sysparm_display_value: 'false' },
        headers: { 'Content-Type': 'application/json', ...auth },
      }),
    );
    return parse(singleSchema, res, `POST /api/now/table/${table}`).result;
  }

  /** `PATCH /api/now/table/{table}/{sys_id}` → the updated record. */
  async patch(table: TableName, sysId: string, values: Record<string, string>): Promise<SnRecord> {
    fieldList(table, Object.keys(values), this.extraFields);
    const res = await this.send((auth) =>
      this.http.patch(`/api/now/table/${table}/${encodeURIComponent(sysId)}`, values, {
        params: { sysparm_exclude_reference_link: 'true', sysparm_display_value: 'false' },
        headers: { 'Content-Type': 'application/json', ...auth },
      }),
    );
    return parse(singleSchema, res, `PATCH /api/now/table/${table}/{sys_id}`).result;
  }

  /**
   * One call, repeated once if the instance answers 401 and the auth provider obtained a
   * fresh token (an OAuth token revoked or expired early). Basic credentials are not
   * repeated: a wrong password stays wrong.
   */
  private async send<T>(
    call: (auth: Record<string, string>) => Promise<HttpResponse<T>>,
  ): Promise<HttpResponse<T>> {
    // `generation` identifies the token used, so a 401 drops that token and no newer one.
    const { headers, generation } = await this.auth.headers();
    try {
      return await call(headers);
    } catch (error) {
      if (!(error instanceof HttpError) || error.status !== 401) throw error;
      if (!(await this.auth.refreshAfter401(generation))) throw error;
      return call((await this.auth.headers()).headers);
    }
  }
}

function parse<T>(schema: z.ZodType<T>, res: HttpResponse, what: string): T {
  const parsed = schema.safeParse(res.data);
  if (!parsed.success) {
    throw new HttpError({
      method: what.split(' ')[0] ?? 'GET',
      url: what.split(' ')[1] ?? what,
      status: res.status,
      vendorMessage: `unexpected response shape (${parsed.error.issues[0]?.message ?? 'invalid'}): is the base URL a ServiceNow instance?`,
    });
  }
  return parsed.data;
}
