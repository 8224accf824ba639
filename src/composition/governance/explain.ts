/**
 * `explain` (DESIGN §6, §9): which mapping kind an `--event` names, and a dry run of the
 * sync on one payload.
 */
import type { EntityManager } from 'typeorm';
import {
  deploymentExternalId as githubDeploymentId,
  prExternalId,
} from '../../../connectors/github/events.js';
import {
  deploymentExternalId as gitlabDeploymentId,
  mrExternalId,
} from '../../../connectors/gitlab/events.js';
import type { FieldIssue } from '../../mapping/index.js';
import {
  eventSource,
  type Change,
  type FindingStatus,
  type SourceEvent,
  type SystemName,
} from '../../model/index.js';
import { ChangebridgeError } from '../../runtime/index.js';
import type { Store } from '../../store/index.js';
import { openContext, type ApplyDeps } from '../../sync/index.js';
import { applyEvent } from '../../sync/apply-event.js';
import { eventRecordId, rawField } from '../../sync/record-facts.js';
import { flush } from '../../sync/tx-cache.js';

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
