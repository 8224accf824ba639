import type { Clock, HttpClientFactory, Logger } from '../../src/runtime/index.js';

/**
 * A ServiceNow connection as the config's `connections.servicenow` block describes it
 * (src/config/connections.ts). Declared here, structurally, because connectors import only
 * src/model and src/runtime (DESIGN §11); the composition root passes the parsed block.
 */
export type ServiceNowAuth =
  | { type: 'basic'; username: string; password: string }
  | {
      type: 'oauth';
      grantType: 'password' | 'client_credentials' | 'refresh_token';
      clientId: string;
      clientSecret: string;
      username?: string;
      password?: string;
      refreshToken?: string;
    };

export interface ServiceNowOptions {
  /** Connection name: the `<connection>` segment of record ids. Default `servicenow`. */
  name?: string;
  baseUrl: string;
  auth: ServiceNowAuth;
  webhook?: { header?: string; secrets: readonly string[] };
  /** Records per Table API page (sysparm_limit). Default 1000. */
  pageSize?: number;
  /** Seconds re-read before the cursor on every pass (clock skew, late commits). Default 60. */
  overlapSeconds?: number;
  /** Column holding changebridge's correlation id on created change requests. */
  correlationField?: string;
  /** Where a first pass starts (`YYYY-MM-DD HH:mm:ss`); default: the beginning. */
  startFrom?: string;
}

export interface ServiceNowDeps {
  http: HttpClientFactory;
  clock?: Clock;
  logger?: Logger;
}

export interface ResolvedOptions {
  name: string;
  baseUrl: string;
  auth: ServiceNowAuth;
  webhookHeader: string;
  webhookSecrets: readonly string[];
  pageSize: number;
  overlapSeconds: number;
  correlationField: string;
  startFrom: string;
}

export function resolveOptions(o: ServiceNowOptions): ResolvedOptions {
  return {
    name: o.name ?? 'servicenow',
    baseUrl: o.baseUrl.replace(/\/+$/, ''),
    auth: o.auth,
    webhookHeader: (o.webhook?.header ?? 'X-Changebridge-Secret').toLowerCase(),
    webhookSecrets: o.webhook?.secrets ?? [],
    pageSize: o.pageSize ?? 1000,
    overlapSeconds: o.overlapSeconds ?? 60,
    correlationField: o.correlationField ?? 'correlation_id',
    startFrom: o.startFrom ?? '1970-01-01 00:00:00',
  };
}
