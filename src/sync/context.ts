import type { EntityManager } from 'typeorm';
import type { AuditEntry } from '../audit/index.js';
import type { Config } from '../config/index.js';
import type { MappingSet } from '../mapping/index.js';
import type { Finding, KeyPatterns, Link, SystemName } from '../model/index.js';
import type { Logger } from '../runtime/index.js';
import type { Store } from '../store/index.js';
import type { PlannerSettings } from './planner.js';
import { rawField, type UserDetails } from './record-facts.js';
import { IdentityDirectory } from './identity-directory.js';
import type { TxCache } from './tx-cache.js';

/** Everything the processor's steps read from the configuration, resolved once. */
export interface SyncSettings extends PlannerSettings {
  defaultTenant: string;
  keyPatterns: KeyPatterns;
  jiraOnlyScope: { issueTypes: readonly string[]; projects: readonly string[] };
  /** `<system>:<connection>` → base URL, for links back to each record. */
  baseUrls: ReadonlyMap<string, string>;
  /** ServiceNow connection → its correlation id column. */
  correlationFields: ReadonlyMap<string, string>;
  /** Configured identity links (DESIGN §3): one person across systems. */
  identities: IdentityDirectory;
  /** Branch patterns whose direct pushes are recorded (unauthorised change, DESIGN §7). */
  protectedBranches: readonly string[];
  /** `policies.gates.enabled`: answer Git hosts' deployment gates and status checks. */
  gatesEnabled: boolean;
}

export function syncSettings(
  config: Pick<Config, 'sync' | 'linking' | 'tenants' | 'connections'> &
    Partial<Pick<Config, 'policies'>>,
): SyncSettings {
  const baseUrls = new Map<string, string>();
  const correlationFields = new Map<string, string>();
  const c = config.connections;
  if (c.servicenow) {
    baseUrls.set(`servicenow:${c.servicenow.name}`, c.servicenow.baseUrl.replace(/\/+$/, ''));
    correlationFields.set(c.servicenow.name, c.servicenow.correlationField);
  }
  if (c.jira) baseUrls.set(`jira:${c.jira.name}`, c.jira.baseUrl.replace(/\/+$/, ''));
  return {
    systemOfRecord: config.sync.systemOfRecord,
    servicenowConnection: c.servicenow?.name ?? null,
    jiraOnly: {
      enabled: config.sync.jiraOnly.enabled,
      defaults: config.sync.jiraOnly.defaults,
      changeNumberField: config.sync.jiraOnly.changeNumberField,
    },
    jiraOnlyScope: {
      issueTypes: config.sync.jiraOnly.issueTypes,
      projects: config.sync.jiraOnly.projects,
    },
    jiraWriteBack: config.sync.jiraWriteBack,
    defaultTenant: config.tenants.default,
    keyPatterns: config.linking,
    baseUrls,
    correlationFields,
    identities: new IdentityDirectory(config.policies?.identities ?? []),
    protectedBranches: config.policies?.protectedBranches ?? ['main', 'master', 'release/*'],
    gatesEnabled: config.policies?.gates.enabled ?? true,
  };
}

/** One transaction's worth of processing: what it wrote and what must follow it. */
export interface ApplyContext {
  m: EntityManager;
  store: Store;
  mappings: MappingSet;
  settings: SyncSettings;
  logger: Logger;
  now: Date;
  /** Audit entries appended when the transaction commits. */
  audit: AuditEntry[];
  /** Changes to hand to the planner. */
  touched: Set<string>;
  /** Change id → the Jira issue link a change request should be created from. */
  createFrom: Map<string, Link>;
  findings: Finding[];
  /** Gate requests recorded in this transaction: decided when it plans. */
  gateRequests: Set<string>;
  /** identity → Person id; shared across transactions (people are never deleted). */
  people: Map<string, string>;
  /** Details of users records only reference (looked up before the transaction). */
  users: ReadonlyMap<string, UserDetails>;
  cache: TxCache;
}

/** A link back to the record in its own system, for people and auditors. */
export function recordUrl(
  settings: SyncSettings,
  system: SystemName,
  connection: string,
  kind: string,
  externalId: string,
  externalKey: string | null,
  record: unknown,
): string | null {
  for (const path of [['html_url'], ['web_url']]) {
    const v = rawField(record, path);
    if (typeof v === 'string' && /^https?:\/\//.test(v)) return v;
  }
  const base = settings.baseUrls.get(`${system}:${connection}`);
  if (!base) return null;
  if (system === 'servicenow') return `${base}/${kind}.do?sys_id=${encodeURIComponent(externalId)}`;
  if (system === 'jira') return `${base}/browse/${encodeURIComponent(externalKey ?? externalId)}`;
  return null;
}

/** A failure that another attempt will not fix: the event goes to the dead letter now. */
export class PermanentEventError extends Error {
  override name = 'PermanentEventError';
}

/** Worth another attempt later (a record it depends on has not arrived yet, a lost race). */
export class RetryEventError extends Error {
  override name = 'RetryEventError';
}
