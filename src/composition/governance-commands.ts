/**
 * What the governance commands (`findings list`, `waive`, `explain`, `policy replay|list`)
 * do besides parsing arguments and printing (DESIGN §6, §9): store queries, the waiver
 * transaction, a dry run of the sync on one payload, and re-evaluation of history. Kept
 * out of src/cli so tests call it without the CLI.
 */
import { Between, In, MoreThan, type EntityManager, type FindOptionsWhere } from 'typeorm';
import {
  deploymentExternalId as githubDeploymentId,
  prExternalId,
} from '../../connectors/github/events.js';
import {
  deploymentExternalId as gitlabDeploymentId,
  mrExternalId,
} from '../../connectors/gitlab/events.js';
import type { AuditLog } from '../audit/index.js';
import type { FieldIssue } from '../mapping/index.js';
import {
  eventSource,
  isWaived,
  type Change,
  type Finding,
  type FindingStatus,
  type SourceEvent,
  type SystemName,
  type Waiver,
} from '../model/index.js';
import {
  diffFindings,
  MANAGED_POLICIES,
  type FindingTransition,
  type RuleSets,
} from '../policy/index.js';
import { ChangebridgeError, type Clock } from '../runtime/index.js';
import { ChangeEntity, type Store } from '../store/index.js';
import { openContext, type ApplyDeps, type PolicyHook } from '../sync/index.js';
import { applyEvent } from '../sync/apply-event.js';
import { eventRecordId, rawField } from '../sync/record-facts.js';
import { flush } from '../sync/tx-cache.js';

// ---------------------------------------------------------------- findings list

export interface FindingFilter {
  /** A change key (or, for findings without a change, their subject). */
  change?: string;
  status: FindingStatus | 'all';
  policy?: string;
}

export interface ListedFinding extends Finding {
  /** The change's current key (a Jira-only change's key becomes its change number). */
  changeKey: string | null;
  /** False for a `waived` finding whose waiver has expired (it re-opens on re-evaluation). */
  waiverInForce: boolean;
}

/** Findings matching the filter, by change key, then policy, then id. */
export async function listFindings(
  store: Store,
  filter: FindingFilter,
  now: Date,
): Promise<ListedFinding[]> {
  return store.db.run(async (m) => {
    const where: FindOptionsWhere<Finding> = {};
    if (filter.status !== 'all') where.status = filter.status;
    if (filter.policy) where.policy = filter.policy;
    if (filter.change) {
      const change = await store.changes.findByKey(filter.change, m);
      if (change) where.changeId = change.id;
      else where.subject = filter.change;
    }
    const found = (await store.findings.find(where, m)).map(withDates);
    const keys = await changeKeys(
      m,
      found.map((f) => f.changeId).filter((id): id is string => id !== null),
    );
    return found
      .map((f) => ({
        ...f,
        changeKey: f.changeId ? (keys.get(f.changeId) ?? f.subject) : null,
        waiverInForce: isWaived(f, now),
      }))
      .sort(
        (a, b) =>
          (a.changeKey ?? a.subject).localeCompare(b.changeKey ?? b.subject) ||
          a.policy.localeCompare(b.policy) ||
          a.id.localeCompare(b.id),
      );
  });
}

async function changeKeys(m: EntityManager, ids: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await m.getRepository(ChangeEntity).find({
      select: { id: true, key: true },
      where: { id: In(unique.slice(i, i + 500)) },
    });
    for (const r of rows) out.set(r.id, r.key);
  }
  return out;
}

/**
 * The `waiver` column is JSON, so its `until` comes back from the database as an ISO
 * string; the model (isWaived) needs a Date.
 */
function withDates(f: Finding): Finding {
  if (!f.waiver) return f;
  const until = f.waiver.until as Date | string | null;
  return { ...f, waiver: { ...f.waiver, until: until === null ? null : new Date(until) } };
}

// ---------------------------------------------------------------- waive

export interface WaiveRequest {
  findingId: string;
  by: string;
  reason: string;
  until: Date;
}

export interface Waived {
  finding: Finding;
  /** The change's key (the audit subject), or the finding's subject when it has no change. */
  subject: string;
}

/**
 * Waives a finding in one transaction: status `waived`, the waiver, and the audit event
 * `finding.waived`. The caller re-plans the change afterwards (write-backs drop it).
 */
export async function waiveFinding(
  deps: { store: Store; audit: AuditLog; clock: Clock },
  request: WaiveRequest,
): Promise<Waived> {
  const { store, audit } = deps;
  return store.db.transaction(async (m) => {
    const now = deps.clock.now();
    const stored = await store.findings.get(request.findingId, m);
    if (!stored) {
      throw new ChangebridgeError('waive', `finding "${request.findingId}" does not exist`, {
        hint: 'copy the id from `changebridge findings list` (add --status all to see every finding)',
      });
    }
    if (stored.status === 'resolved') {
      throw new ChangebridgeError(
        'waive',
        `finding "${stored.id}" is resolved (since ${stored.resolvedAt?.toISOString() ?? 'unknown'}): there is nothing to waive`,
        {
          hint: 'a waiver accepts a finding that is still raised; if it comes back it opens again and can be waived then',
        },
      );
    }
    if (request.until.getTime() <= now.getTime()) {
      throw new ChangebridgeError(
        'waive',
        `--until ${request.until.toISOString()} is not in the future`,
        { exitCode: 64, hint: 'pass a later date or a duration such as 7d' },
      );
    }
    const waiver: Waiver = { by: request.by, reason: request.reason, until: request.until };
    const finding: Finding = { ...stored, status: 'waived', waiver };
    await store.findings.upsert(finding, m);
    const change = stored.changeId ? await store.changes.findById(stored.changeId, m) : null;
    const subject = change?.key ?? stored.subject;
    await audit.append(
      [
        {
          actor: request.by,
          action: 'finding.waived',
          subject,
          data: {
            finding: stored.id,
            policy: stored.policy,
            reason: request.reason,
            until: request.until.toISOString(),
          },
        },
      ],
      now,
      m,
    );
    return { finding, subject };
  });
}

const DURATION = /^(\d{1,6})([mhdw])$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * `--until`: an ISO date (midnight UTC), an ISO date-time (UTC unless it names a zone) or
 * a duration from now (`30m`, `12h`, `7d`, `2w`). Null when it is none of these.
 */
export function parseUntil(value: string, now: Date): Date | null {
  const text = value.trim();
  const duration = DURATION.exec(text);
  if (duration) {
    const [, n, unit] = duration as unknown as [string, string, keyof typeof UNIT_MS];
    return new Date(now.getTime() + Number(n) * UNIT_MS[unit]);
  }
  return parseInstant(text);
}

/** An ISO date (midnight UTC) or date-time (UTC unless it names a zone); null otherwise. */
export function parseInstant(value: string): Date | null {
  const text = value.trim();
  let iso: string;
  if (ISO_DATE.test(text)) iso = `${text}T00:00:00Z`;
  else if (ISO_TIME.test(text))
    iso = /(Z|[+-]\d{2}:?\d{2})$/.test(text)
      ? text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')
      : `${text}Z`;
  else return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : new Date(ms);
}

// ---------------------------------------------------------------- explain

/** Webhook event names → the record kind a mapping handles (`--event` accepts both). */
const EVENT_KINDS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  jira: { 'jira:issue_created': 'issue', 'jira:issue_updated': 'issue' },
  github: { deployment_status: 'deployment' },
  gitlab: { 'merge request hook': 'merge_request', 'deployment hook': 'deployment' },
  servicenow: { approval: 'sysapproval_approver', change: 'change_request' },
};

/** The mapping kind for `--event`: a kind itself, a webhook event name, or `<event>.<action>`. */
export function kindForEvent(
  deps: Pick<ApplyDeps, 'mappings' | 'settings'>,
  system: SystemName,
  event: string,
): string {
  const has = (kind: string) => deps.mappings.get(system, kind, deps.settings.defaultTenant);
  const name = event.trim().toLowerCase();
  // `pull_request.closed` is GitHub's `<event>.<action>`: the event part names the kind.
  for (const candidate of [name, name.split('.')[0]!]) {
    const kind = has(candidate) ? candidate : EVENT_KINDS[system]?.[candidate];
    if (kind && has(kind)) return kind;
  }
  const known = deps.mappings.all.filter((m) => m.system === system && m.tenant === null);
  throw new ChangebridgeError('explain', `no ${system} mapping handles --event "${event}"`, {
    exitCode: 64,
    hint: known.length
      ? `use one of: ${known.map((m) => m.kind).join(', ')}`
      : `add mappings/${system}.<kind>.yaml (check it with \`changebridge mappings validate\`)`,
  });
}

/** The record's id in its system, found where the connector puts it (see connectors/). */
function externalIdOf(system: SystemName, kind: string, record: unknown): string | null {
  const s = (path: string[]) => {
    const v = rawField(record, path);
    return typeof v === 'string' || typeof v === 'number' ? String(v) : null;
  };
  const n = (path: string[]) => Number(s(path));
  switch (system) {
    case 'servicenow':
      return s(['sys_id']);
    case 'jira':
      return s(['key']) ?? s(['id']);
    case 'github':
      if (kind === 'pull_request' && s(['record', 'repo']))
        return prExternalId(s(['record', 'repo'])!, n(['record', 'number']));
      if (kind === 'deployment' && s(['record', 'repo']))
        return githubDeploymentId(s(['record', 'repo'])!, n(['record', 'id']));
      return null;
    case 'gitlab':
      if (kind === 'merge_request' && s(['summary', 'project']))
        return mrExternalId(s(['summary', 'project'])!, n(['summary', 'iid']));
      if (kind === 'deployment' && s(['summary', 'project']))
        return gitlabDeploymentId(s(['summary', 'project'])!, n(['summary', 'deploymentId']));
      return null;
  }
}

export interface ExplainRequest {
  system: SystemName;
  kind: string;
  connection: string;
  payload: unknown;
  /** Overrides the id read from the payload. */
  externalId?: string;
}

export interface ExplainedFinding {
  id: string;
  change: string;
  policy: string;
  severity: string;
  blocking: boolean;
  /** `open`, or `waived` when a stored waiver for the same finding is in force. */
  status: FindingStatus;
  message: string;
  evidence: Record<string, unknown>;
}

export interface Explanation {
  record: string;
  target: string;
  mapping: { files: readonly string[]; hash: string };
  /** What the sync would do with the event: `applied`, `ignored` (why) or `failed` (why). */
  outcome: 'applied' | 'ignored' | 'failed';
  reason?: string;
  /** Mapping problems (missing or unmappable fields). */
  issues: FieldIssue[];
  /** The canonical record as the store would hold it (the mapped fields when not applied). */
  canonical: Record<string, unknown>;
  /** Changes the record belongs to, whose findings follow. */
  changes: { id: string; key: string }[];
  findings: ExplainedFinding[];
}

/** Thrown to roll the explain transaction back; never escapes explainEvent. */
class Rollback extends Error {}

/**
 * Runs the processor's own steps on one payload (map, apply, policies) inside a
 * transaction that is always rolled back: the answer reflects the current store and
 * nothing is written, audited or planned.
 */
export async function explainEvent(deps: ApplyDeps, request: ExplainRequest): Promise<Explanation> {
  const { store } = deps;
  const tenant = deps.settings.defaultTenant;
  const mapping = deps.mappings.get(request.system, request.kind, tenant);
  if (!mapping) throw new Error(`[changebridge/explain] no mapping for ${request.kind}`);
  const now = deps.clock.now();
  const externalId =
    request.externalId ??
    externalIdOf(request.system, request.kind, mapping.unwrapRecord(request.payload));
  if (!externalId) {
    throw new ChangebridgeError(
      'explain',
      `cannot tell which ${request.system} ${request.kind} record the payload is: it carries no id where the connector puts one`,
      { exitCode: 64, hint: 'pass the record id with --external-id <id>' },
    );
  }
  const event: SourceEvent = {
    system: request.system,
    connection: request.connection,
    source: eventSource(request.system, request.connection),
    deliveryKey: `explain:${request.kind}:${now.toISOString()}`,
    kind: request.kind,
    event: 'explain',
    externalId,
    receivedAt: now,
    thin: false,
    payload: request.payload,
  };
  const mapped = mapping.map(request.payload);
  const recordId = eventRecordId(event);
  let answer: Explanation | undefined;
  try {
    await store.db.transaction(async (m) => {
      // Its own person cache: people created here vanish with the rollback.
      const ctx = openContext({ ...deps, people: new Map() }, m, now);
      let outcome: Pick<Explanation, 'outcome' | 'reason'>;
      try {
        outcome = await applyEvent(ctx, event);
        await flush(ctx);
      } catch (error) {
        outcome = {
          outcome: 'failed',
          reason: error instanceof Error ? error.message : String(error),
        };
      }
      const linked = (await store.links.findByRecord(recordId, m)).map((l) => l.changeId);
      const ids = [...new Set([...ctx.touched, ...linked])].sort();
      const changes = (await Promise.all(ids.map((id) => store.changes.findById(id, m)))).filter(
        (c): c is Change => c !== null,
      );
      const stored = await storedRecord(store, mapping.target, recordId, changes, m);
      const assessed = await deps.policy.assess({ store, m, now }, changes);
      answer = {
        record: recordId,
        target: mapping.target,
        mapping: { files: mapping.files, hash: mapping.hash },
        ...outcome,
        issues: mapped.issues,
        canonical: stored ?? mapped.patch,
        changes: changes.map((c) => ({ id: c.id, key: c.key })),
        findings: changes.flatMap((c) =>
          (assessed.get(c.id) ?? []).map((f) => ({
            id: f.id,
            change: c.key,
            policy: f.policy,
            severity: f.severity,
            blocking: f.blocking,
            status: f.status,
            message: f.message,
            evidence: f.evidence,
          })),
        ),
      };
      throw new Rollback();
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  if (!answer) throw new Error('[changebridge/explain] the dry run produced no answer');
  return answer;
}

async function storedRecord(
  store: Store,
  target: string,
  recordId: string,
  changes: readonly Change[],
  m: EntityManager,
): Promise<Record<string, unknown> | null> {
  const row =
    target === 'Change'
      ? (changes[0] ?? null)
      : target === 'Approval'
        ? await store.approvals.get(recordId, m)
        : target === 'CodeChange'
          ? await store.codeChanges.get(recordId, m)
          : target === 'Deployment'
            ? await store.deployments.get(recordId, m)
            : target === 'Incident'
              ? await store.incidents.get(recordId, m)
              : null;
  return row ? { ...row } : null;
}

// ---------------------------------------------------------------- policy replay

export interface ReplayEntry {
  finding: string;
  policy: string;
  severity: string;
  blocking: boolean;
  transition: FindingTransition;
  message: string;
}

export interface ReplayChange {
  change: string;
  key: string;
  updatedAt: Date;
  wouldOpen: ReplayEntry[];
  wouldResolve: ReplayEntry[];
}

export interface ReplayReport {
  from: Date;
  to: Date;
  /** The time the rules were evaluated at: `to`, or now when `to` is later. */
  evaluatedAt: Date;
  changesEvaluated: number;
  /** Only changes with a difference. */
  changes: ReplayChange[];
  totals: { wouldOpen: number; wouldResolve: number };
}

const REPLAY_PAGE = 100;

/**
 * Dry run of the current rules over history: for each change updated in [from, to], the
 * findings the engine would open (or re-open) and resolve if it evaluated the change now.
 * Reads only; the same diff the sync applies (diffFindings), never written.
 */
export async function replayPolicies(
  deps: { store: Store; policy: PolicyHook; clock: Clock },
  range: { from: Date; to: Date },
): Promise<ReplayReport> {
  const { store, policy } = deps;
  const now = deps.clock.now();
  const evaluatedAt = range.to.getTime() < now.getTime() ? range.to : now;
  const report: ReplayReport = {
    from: range.from,
    to: range.to,
    evaluatedAt,
    changesEvaluated: 0,
    changes: [],
    totals: { wouldOpen: 0, wouldResolve: 0 },
  };
  let after = '';
  for (;;) {
    const page = await store.db.with(undefined, async (m) => {
      const changes = await m.getRepository(ChangeEntity).find({
        where: { id: MoreThan(after), updatedAt: Between(range.from, range.to) },
        order: { id: 'ASC' },
        take: REPLAY_PAGE,
      });
      if (changes.length === 0) return changes;
      const fresh = await policy.assess({ store, m, now: evaluatedAt }, changes);
      const stored = (await store.findings.find({ changeId: In(changes.map((c) => c.id)) }, m)).map(
        withDates,
      );
      for (const change of changes) {
        const mine = stored.filter((f) => f.changeId === change.id);
        const diff = diffFindings(mine, fresh.get(change.id) ?? [], MANAGED_POLICIES, evaluatedAt);
        const entry = (t: { finding: Finding; transition: FindingTransition }): ReplayEntry => ({
          finding: t.finding.id,
          policy: t.finding.policy,
          severity: t.finding.severity,
          blocking: t.finding.blocking,
          transition: t.transition,
          message: t.finding.message,
        });
        const wouldOpen = diff.transitions.filter((t) => t.transition !== 'resolved').map(entry);
        const wouldResolve = diff.transitions.filter((t) => t.transition === 'resolved').map(entry);
        if (wouldOpen.length + wouldResolve.length === 0) continue;
        report.changes.push({
          change: change.id,
          key: change.key,
          updatedAt: change.updatedAt,
          wouldOpen,
          wouldResolve,
        });
        report.totals.wouldOpen += wouldOpen.length;
        report.totals.wouldResolve += wouldResolve.length;
      }
      return changes;
    });
    if (page.length === 0) break;
    report.changesEvaluated += page.length;
    after = page[page.length - 1]!.id;
  }
  report.changes.sort((a, b) => a.key.localeCompare(b.key));
  return report;
}

// ---------------------------------------------------------------- policy list

export interface ListedRule {
  id: string;
  enabled: boolean;
  severity: string;
  blocking: boolean;
  version: string;
  description: string;
  params: unknown;
}

export interface ListedRuleSet {
  /** The set's name: `default` or a tenant's. */
  name: string;
  version: string;
  rules: ListedRule[];
}

/** Every configured rule set (`default` first), each rule with its resolved parameters. */
export function listRuleSets(ruleSets: RuleSets, names: readonly string[]): ListedRuleSet[] {
  const all = ['default', ...names.filter((n) => n !== 'default').sort()];
  return all.map((name) => {
    const set = ruleSets.forTenant(name);
    return {
      name,
      version: set.version,
      rules: set.rules.map((r) => ({
        id: r.rule.id,
        enabled: r.enabled,
        severity: r.severity,
        blocking: r.blocking,
        version: r.rule.version,
        description: r.rule.description,
        params: r.params,
      })),
    };
  });
}
