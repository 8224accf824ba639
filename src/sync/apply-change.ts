import type { CompiledMapping } from '../mapping/index.js';
import {
  emptyChange,
  findingId,
  type Change,
  type Link,
  type LinkKind,
  type SourceEvent,
} from '../model/index.js';
import { ConcurrentUpdateError } from '../store/index.js';
import { recordUrl, RetryEventError, type ApplyContext } from './context.js';
import { jsonValue, mergeMirrored, mirroredFields, projectionHash, sameValue } from './merge.js';
import { digest } from './plan-keys.js';
import { changeIdFromCorrelation } from './planner.js';
import { resolvePersonId } from './people.js';
import { eventRecordId, nameUuid, rawField } from './record-facts.js';
import {
  changeById,
  changeByKey,
  linksOfChange,
  linksOfRecord,
  putLink,
  saveChange,
} from './tx-cache.js';

/**
 * Applies one change record (a ServiceNow change_request, a Jira issue) to the canonical
 * change it belongs to (DESIGN §4, §5): find or create the change, take `in` fields from
 * the system of record, merge mirrored fields three ways, upsert the link, audit it.
 */

export type ApplyOutcome = { outcome: 'applied' } | { outcome: 'ignored'; reason: string };

const LINK_KIND: Readonly<Record<string, LinkKind>> = {
  change_request: 'change_request',
  issue: 'issue',
};

/** Fields the processor resolves itself rather than copying. */
const PERSON_FIELDS = new Set(['requestedBy', 'assignedTo']);

export async function applyChangeRecord(
  ctx: ApplyContext,
  event: SourceEvent,
  mapping: CompiledMapping,
  patch: Record<string, unknown>,
  version: string | null,
): Promise<ApplyOutcome> {
  const { settings } = ctx;
  const record = mapping.unwrapRecord(event.payload);
  const externalId = event.externalId ?? '';
  const recordId = eventRecordId(event);
  const externalKey =
    event.system === 'servicenow' ? String(patch.key ?? '') || null : externalId || null;
  const [existing] = await linksOfRecord(ctx, recordId);
  if (existing && version && existing.sourceVersion && version <= existing.sourceVersion) {
    return {
      outcome: 'ignored',
      reason:
        version === existing.sourceVersion
          ? `version ${version} of ${recordId} is already applied`
          : `version ${version} of ${recordId} is older than the applied ${existing.sourceVersion}`,
    };
  }
  let change = existing ? await changeById(ctx, existing.changeId) : null;
  if (!change) change = await findChange(ctx, event, record, patch);
  const creating = change === null;
  const tenant = typeof patch.tenant === 'string' ? patch.tenant : settings.defaultTenant;
  const key = String(patch.key);
  const before: Change =
    change ??
    emptyChange(nameUuid(recordId), { key, title: String(patch.title ?? key), tenant }, ctx.now);
  const links = creating ? [] : await linksOfChange(ctx, before.id);
  const sor = settings.systemOfRecord;
  const primary =
    event.system === sor ||
    !links.some((l) => l.system === sor && l.recordId !== recordId && l.kind in LINK_KIND);

  const next: Record<string, unknown> = { ...before };
  const mirrored = mirroredFields(mapping);
  const mirroredNames = new Set(mirrored.map((f) => f.name));
  if (primary) {
    for (const f of mapping.fields) {
      if (f.direction !== 'in' || !Object.prototype.hasOwnProperty.call(patch, f.name)) continue;
      if (f.name === 'key' && !keyMayChange(ctx, event, before, key)) continue;
      next[f.name] = PERSON_FIELDS.has(f.name)
        ? await resolvePersonId(ctx, patch[f.name], record)
        : patch[f.name];
    }
  }
  const merge = mergeMirrored({
    fields: mirrored,
    system: event.system,
    incoming: patch,
    canonical: before as unknown as Record<string, unknown>,
    base: existing?.syncState?.base ?? null,
    creating,
  });
  Object.assign(next, merge.take);
  next.tenant = tenant;
  const changed = Object.keys(next).filter(
    (k) =>
      k !== 'updatedAt' && !sameValue(next[k], (before as unknown as Record<string, unknown>)[k]),
  );
  let saved = before;
  if (creating || changed.length > 0) {
    const events = [...before.sourceEventIds, `${event.source}/${event.deliveryKey}`].slice(-20);
    try {
      saved = await saveChange(ctx, { ...(next as unknown as Change), sourceEventIds: events });
    } catch (error) {
      if (error instanceof ConcurrentUpdateError) throw new RetryEventError(error.message);
      throw error;
    }
    ctx.audit.push({
      actor: `${event.system}:${event.connection}`,
      action: creating ? 'change.created' : 'change.updated',
      subject: saved.key,
      data: creating
        ? { change: saved.id, from: recordId }
        : {
            change: saved.id,
            from: recordId,
            fields: Object.fromEntries(
              changed.map((k) => [
                k,
                {
                  from: jsonValue((before as unknown as Record<string, unknown>)[k]),
                  to: jsonValue(next[k]),
                },
              ]),
            ),
          },
    });
  }
  const written = { ...(existing?.syncState?.written ?? {}) };
  if (event.system === 'jira' && typeof patch.key === 'string' && patch.key === saved.key)
    written.number = digest(saved.key); // the issue already carries the change number
  const link: Link = {
    changeId: saved.id,
    recordId,
    system: event.system,
    connection: event.connection,
    kind: LINK_KIND[event.kind] ?? 'issue',
    externalId,
    externalKey,
    url: recordUrl(
      settings,
      event.system,
      event.connection,
      event.kind,
      externalId,
      externalKey,
      record,
    ),
    sourceVersion: version ?? existing?.sourceVersion ?? null,
    lastReadHash: projectionHash([...mirroredNames], patch),
    lastWrittenHash: existing?.lastWrittenHash ?? null,
    syncState: { base: merge.base, written },
    updatedAt: ctx.now,
  };
  await putLink(ctx, link);
  if (!existing && !creating) {
    // (A change created from this record says so in its change.created event.)
    ctx.audit.push({
      actor: 'changebridge',
      action: 'link.created',
      subject: saved.key,
      data: { change: saved.id, record: recordId, url: link.url },
    });
  } else if (merge.unchanged && existing?.lastWrittenHash) {
    ctx.logger.debug('sync.echo', { record: recordId, change: saved.key });
  }
  for (const c of merge.conflicts) recordConflict(ctx, saved, recordId, c);
  ctx.touched.add(saved.id);
  if (qualifiesForCreate(ctx, event, record, saved)) ctx.createFrom.set(saved.id, link);
  return { outcome: 'applied' };
}

/** A change this record belongs to though it has no link yet (DESIGN §4). */
async function findChange(
  ctx: ApplyContext,
  event: SourceEvent,
  record: unknown,
  patch: Record<string, unknown>,
): Promise<Change | null> {
  if (event.system === 'servicenow') {
    const field = ctx.settings.correlationFields.get(event.connection);
    const id = field ? changeIdFromCorrelation(rawField(record, [field])) : null;
    if (id) {
      const created = await changeById(ctx, id);
      if (created) return created;
    }
  }
  const key = typeof patch.key === 'string' ? patch.key : null;
  return key && isChangeNumber(ctx, key) ? changeByKey(ctx, key) : null;
}

const changeNumberPatterns = new WeakMap<object, RegExp>();

export function isChangeNumber(ctx: Pick<ApplyContext, 'settings'>, key: string): boolean {
  const patterns = ctx.settings.keyPatterns;
  let digits = changeNumberPatterns.get(patterns);
  if (!digits) {
    digits = new RegExp(`^\\d{${patterns.changeDigits}}$`);
    changeNumberPatterns.set(patterns, digits);
  }
  return patterns.changePrefixes.some((p) => key.startsWith(p) && digits.test(key.slice(p.length)));
}

/** The system of record names the change; a Jira key only until a change number exists. */
function keyMayChange(ctx: ApplyContext, event: SourceEvent, before: Change, key: string): boolean {
  if (key === before.key) return false;
  if (event.system === ctx.settings.systemOfRecord) return true;
  return !isChangeNumber(ctx, before.key);
}

function qualifiesForCreate(
  ctx: ApplyContext,
  event: SourceEvent,
  record: unknown,
  change: Change,
): boolean {
  if (event.system !== 'jira' || event.kind !== 'issue') return false;
  if (!ctx.settings.jiraOnly.enabled || isChangeNumber(ctx, change.key)) return false;
  const scope = ctx.settings.jiraOnlyScope;
  const type = rawField(record, ['fields', 'issuetype', 'name']);
  const project = rawField(record, ['fields', 'project', 'key']);
  if (scope.issueTypes.length > 0 && !scope.issueTypes.includes(String(type))) return false;
  return scope.projects.length === 0 || scope.projects.includes(String(project));
}

function recordConflict(
  ctx: ApplyContext,
  change: Change,
  recordId: string,
  c: ReturnType<typeof mergeMirrored>['conflicts'][number],
): void {
  const subject = `${change.key}/${c.field}`;
  const kept = c.winner === 'canonical' ? c.canonical : c.incoming;
  ctx.findings.push({
    id: findingId('sync-conflict', subject, ctx.now.toISOString()),
    changeId: change.id,
    subject,
    policy: 'sync-conflict',
    severity: 'low',
    blocking: false,
    status: 'resolved',
    message: `The ${c.field} of change ${change.key} was edited on both sides; the ${c.authority ?? 'latest'} value was kept.`,
    evidence: {
      record: recordId,
      field: c.field,
      base: c.base,
      canonical: c.canonical,
      incoming: c.incoming,
      kept,
      authority: c.authority,
    },
    firstSeenAt: ctx.now,
    lastSeenAt: ctx.now,
    resolvedAt: ctx.now,
    waiver: null,
  });
  ctx.audit.push({
    actor: 'changebridge',
    action: 'sync.conflict',
    subject: change.key,
    data: { record: recordId, field: c.field, canonical: c.canonical, incoming: c.incoming, kept },
  });
}
