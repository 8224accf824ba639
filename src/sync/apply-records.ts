import type { CompiledMapping } from '../mapping/index.js';
import {
  extractKeys,
  type Approval,
  type CodeChange,
  type Deployment,
  type Incident,
  type Link,
  type LinkKind,
  type SourceEvent,
} from '../model/index.js';
import { recordUrl, RetryEventError, type ApplyContext } from './context.js';
import { isChangeNumber, type ApplyOutcome } from './apply-change.js';
import { sameValue } from './merge.js';
import { resolvePersonId } from './people.js';
import { reviewsOf } from './apply-reviews.js';
import { eventRecordId } from './record-facts.js';
import {
  changeById,
  changeByKey,
  flush,
  linksOfExternal,
  linksOfRecord,
  putApproval,
  putIncident,
  putLink,
  storedApproval,
  storedIncident,
} from './tx-cache.js';

/**
 * Applies approvals, pull/merge requests, deployments and incidents (DESIGN §3, §4): each
 * is upserted by its source record id and linked to the changes it names.
 */

export const keep = (ids: readonly string[], event: SourceEvent) =>
  [...ids, `${event.source}/${event.deliveryKey}`].slice(-20);

const recordIdOf = eventRecordId;

export async function applyApproval(
  ctx: ApplyContext,
  event: SourceEvent,
  mapping: CompiledMapping,
  patch: Record<string, unknown>,
): Promise<ApplyOutcome> {
  const ref = String(patch.changeId ?? '');
  const owner = (await linksOfExternal(ctx, event.system, ref)).find(
    (l) => l.kind === 'change_request' || l.kind === 'issue',
  );
  if (!owner) {
    // Approvals often arrive before their change request: try again once it is synced.
    throw new RetryEventError(
      `approval ${event.externalId} names ${event.system} record ${ref}, which is not synced yet`,
    );
  }
  const id = recordIdOf(event);
  const prev = await storedApproval(ctx, id);
  const record = mapping.unwrapRecord(event.payload);
  const approver = (await resolvePersonId(ctx, patch.approver, record)) ?? String(patch.approver);
  const row: Approval = {
    id,
    changeId: owner.changeId,
    approver,
    decision: patch.decision as Approval['decision'],
    originalDecision: (patch.originalDecision as string | undefined) ?? null,
    decidedAt: (patch.decidedAt as Date | undefined) ?? null,
    source: event.system,
    validUntil: (patch.validUntil as Date | undefined) ?? null,
    delegatedFrom: (patch.delegatedFrom as string | undefined) ?? null,
    sourceEventIds: keep(prev?.sourceEventIds ?? [], event),
    updatedAt: ctx.now,
  };
  putApproval(ctx, row);
  if (!prev || prev.decision !== row.decision || prev.approver !== row.approver) {
    ctx.audit.push({
      actor: `${event.system}:${event.connection}`,
      action: 'approval.recorded',
      subject: id,
      data: {
        change: owner.changeId,
        approver,
        decision: row.decision,
        from: prev?.decision ?? null,
      },
    });
  }
  ctx.touched.add(owner.changeId);
  return { outcome: 'applied' };
}

/** Changes named by keys: change numbers directly, Jira issue keys through their link. */
export async function changesNamed(ctx: ApplyContext, keys: readonly string[]): Promise<string[]> {
  const { store, m, settings } = ctx;
  const found = extractKeys([keys.join(' ')], settings.keyPatterns);
  const ids = new Set<string>();
  for (const key of found.changeKeys) {
    const change = await store.changes.findByKey(key, m);
    if (change) ids.add(change.id);
  }
  for (const key of found.issueKeys) {
    for (const l of await store.links.findByExternalKey(key, m))
      if (l.system === 'jira') ids.add(l.changeId);
  }
  return [...ids].sort();
}

export async function linkTo(
  ctx: ApplyContext,
  changeIds: readonly string[],
  event: SourceEvent,
  kind: LinkKind,
  externalKey: string,
  record: unknown,
): Promise<void> {
  const recordId = recordIdOf(event);
  const existing = new Map((await linksOfRecord(ctx, recordId)).map((l) => [l.changeId, l]));
  for (const changeId of changeIds) {
    const prev = existing.get(changeId);
    const link: Link = {
      changeId,
      recordId,
      system: event.system,
      connection: event.connection,
      kind,
      externalId: event.externalId ?? '',
      externalKey,
      url: recordUrl(
        ctx.settings,
        event.system,
        event.connection,
        event.kind,
        event.externalId ?? '',
        externalKey,
        record,
      ),
      sourceVersion: prev?.sourceVersion ?? null,
      lastReadHash: prev?.lastReadHash ?? null,
      lastWrittenHash: prev?.lastWrittenHash ?? null,
      syncState: prev?.syncState ?? null,
      updatedAt: ctx.now,
    };
    // The record changed even when its link did not: its change is re-evaluated (DESIGN §6).
    ctx.touched.add(changeId);
    if (prev && sameValue(prev.url, link.url) && prev.externalKey === externalKey) continue;
    await putLink(ctx, link);
    if (!prev) {
      ctx.audit.push({
        actor: 'changebridge',
        action: 'link.created',
        subject: externalKey,
        data: { change: changeId, record: recordId, url: link.url },
      });
    }
  }
}

export async function applyCodeChange(
  ctx: ApplyContext,
  event: SourceEvent,
  mapping: CompiledMapping,
  patch: Record<string, unknown>,
): Promise<ApplyOutcome> {
  await flush(ctx); // they read changes and links through the repositories
  const { store, m } = ctx;
  const id = recordIdOf(event);
  const prev = await store.codeChanges.get(id, m);
  const record = mapping.unwrapRecord(event.payload);
  const row = {
    ...(patch as unknown as CodeChange),
    id,
    author: await resolvePersonId(ctx, patch.author, record),
    mergedBy: await resolvePersonId(ctx, patch.mergedBy, record),
    reviewers: (await reviewsOf(ctx, event.system, record)) ?? prev?.reviewers ?? [],
    linkedKeys: (patch.linkedKeys as string[] | undefined) ?? [],
    sourceEventIds: keep(prev?.sourceEventIds ?? [], event),
    updatedAt: ctx.now,
  } as CodeChange;
  await store.codeChanges.upsert(row, m);
  if (!prev || prev.mergedAt?.getTime() !== row.mergedAt?.getTime()) {
    ctx.audit.push({
      actor: `${event.system}:${event.connection}`,
      action: prev ? 'code_change.updated' : 'code_change.recorded',
      subject: `${row.repo}#${row.number}`,
      data: {
        record: id,
        mergedAt: row.mergedAt?.toISOString() ?? null,
        targetBranch: row.targetBranch,
        keys: row.linkedKeys,
      },
    });
  }
  const kind: LinkKind = event.system === 'gitlab' ? 'merge_request' : 'pull_request';
  const changes = await changesNamed(ctx, row.linkedKeys);
  await linkTo(ctx, changes, event, kind, `${row.repo}#${row.number}`, record);
  return { outcome: 'applied' };
}

export async function applyDeployment(
  ctx: ApplyContext,
  event: SourceEvent,
  mapping: CompiledMapping,
  patch: Record<string, unknown>,
): Promise<ApplyOutcome> {
  await flush(ctx); // they read changes and links through the repositories
  const { store, m } = ctx;
  const id = recordIdOf(event);
  const prev = await store.deployments.get(id, m);
  const record = mapping.unwrapRecord(event.payload);
  const row = {
    ...(patch as unknown as Deployment),
    id,
    actor: await resolvePersonId(ctx, patch.actor, record),
    linkedKeys: (patch.linkedKeys as string[] | undefined) ?? [],
    sourceEventIds: keep(prev?.sourceEventIds ?? [], event),
    updatedAt: ctx.now,
  } as Deployment;
  await store.deployments.upsert(row, m);
  if (!prev || prev.status !== row.status) {
    ctx.audit.push({
      actor: `${event.system}:${event.connection}`,
      action: 'deployment.recorded',
      subject: `${row.repo}@${row.sha.slice(0, 12)}/${row.environment}`,
      data: { record: id, status: row.status, from: prev?.status ?? null, keys: row.linkedKeys },
    });
  }
  const ids = new Set(await changesNamed(ctx, row.linkedKeys));
  // Through the pull request that produced the deployed commit (DESIGN §4).
  const shas = [{ mergeSha: row.sha }, { headSha: row.sha }];
  for (const where of shas) {
    for (const cc of await store.codeChanges.find({ ...where, repo: row.repo }, m)) {
      for (const l of await store.links.findByRecord(cc.id, m)) ids.add(l.changeId);
    }
  }
  await linkTo(
    ctx,
    [...ids].sort(),
    event,
    'deployment',
    `${row.repo}@${row.sha.slice(0, 12)}`,
    record,
  );
  return { outcome: 'applied' };
}

export async function applyIncident(
  ctx: ApplyContext,
  event: SourceEvent,
  mapping: CompiledMapping,
  patch: Record<string, unknown>,
): Promise<ApplyOutcome> {
  const id = recordIdOf(event);
  const prev = await storedIncident(ctx, id);
  const row = {
    ...(patch as unknown as Incident),
    id,
    sourceEventIds: keep(prev?.sourceEventIds ?? [], event),
    updatedAt: ctx.now,
  } as Incident;
  putIncident(ctx, row);
  if (!prev) {
    ctx.audit.push({
      actor: `${event.system}:${event.connection}`,
      action: 'incident.recorded',
      subject: row.key,
      data: { record: id, priority: row.priority, causedBy: row.causedBy },
    });
  }
  // caused_by is the change number when read with display values, else its sys_id. Read
  // through the transaction's cache, which holds this batch's unflushed rows.
  const cause = row.causedBy;
  let caused = cause && isChangeNumber(ctx, cause) ? await changeByKey(ctx, cause) : null;
  if (!caused && cause) {
    const [owner] = (await linksOfExternal(ctx, event.system, cause)).filter(
      (l) => l.kind === 'change_request',
    );
    if (owner) caused = await changeById(ctx, owner.changeId);
  }
  if (caused)
    await linkTo(ctx, [caused.id], event, 'incident', row.key, mapping.unwrapRecord(event.payload));
  return { outcome: 'applied' };
}
