import { MoreThanOrEqual, type EntityManager } from 'typeorm';
import { isProductionEnvironment, type Change, type Link } from '../model/index.js';
import { isProtectedBranch, type OrgFacts } from '../policy/index.js';
import type { Activity } from '../reconcile/index.js';
import type { Store } from '../store/index.js';

/**
 * What reached production or a protected branch since `since` (DESIGN §7 "unauthorised
 * change"): production deployments, pull/merge requests merged to a protected branch, and
 * pushes to one that no merged pull request explains (direct pushes), each with the
 * changes it is linked to.
 */
export async function loadActivity(
  store: Store,
  m: EntityManager,
  org: OrgFacts,
  since: Date,
): Promise<Activity[]> {
  const deployments = (await store.deployments.find({ updatedAt: MoreThanOrEqual(since) }, m))
    .filter((d) => isProductionEnvironment(d.environment, org.productionEnvironments))
    .filter((d) => d.status !== 'canceled' || d.startedAt !== null);
  const code = (await store.codeChanges.find({ updatedAt: MoreThanOrEqual(since) }, m)).filter(
    (cc) => cc.mergedAt !== null && isProtectedBranch(cc.targetBranch, org.protectedBranches),
  );
  const merges = code.filter((cc) => !isPush(cc.id));
  const mergeShas = new Set<string>();
  for (const cc of await store.codeChanges.find({ mergedAt: MoreThanOrEqual(since) }, m))
    if (!isPush(cc.id) && cc.mergeSha) mergeShas.add(`${cc.repo}@${cc.mergeSha}`);
  const pushes = code.filter((cc) => isPush(cc.id) && !mergeShas.has(`${cc.repo}@${cc.mergeSha}`));

  const ids = [
    ...deployments.map((d) => d.id),
    ...merges.map((c) => c.id),
    ...pushes.map((c) => c.id),
  ];
  const links: Link[] = [];
  for (let i = 0; i < ids.length; i += 500)
    links.push(...(await store.syncRows.linksByRecords(m, ids.slice(i, i + 500))));
  const changeIds = [...new Set(links.map((l) => l.changeId))];
  const changes = new Map<string, Change>();
  for (let i = 0; i < changeIds.length; i += 500)
    for (const c of await store.syncRows.changesByIds(m, changeIds.slice(i, i + 500)))
      changes.set(c.id, c);
  const changesOf = (recordId: string) =>
    links
      .filter((l) => l.recordId === recordId)
      .map((l) => changes.get(l.changeId))
      .filter((c): c is Change => c !== undefined);
  const urlOf = (recordId: string) => links.find((l) => l.recordId === recordId)?.url ?? null;

  return [
    ...deployments.map((d): Activity => ({
      recordId: d.id,
      kind: 'deployment',
      system: d.system,
      repo: d.repo,
      target: d.environment,
      sha: d.sha,
      at: d.startedAt ?? d.finishedAt ?? d.updatedAt,
      actor: d.actor,
      key: `${d.repo}@${d.sha.slice(0, 7)}`,
      url: urlOf(d.id),
      changes: changesOf(d.id),
    })),
    ...[...merges, ...pushes].map((cc): Activity => ({
      recordId: cc.id,
      kind: isPush(cc.id) ? 'push' : 'merge',
      system: cc.system,
      repo: cc.repo,
      target: cc.targetBranch,
      sha: cc.mergeSha,
      at: cc.mergedAt,
      actor: cc.mergedBy ?? cc.author,
      key: isPush(cc.id)
        ? `${cc.repo}@${(cc.mergeSha ?? '').slice(0, 7)}`
        : `${cc.repo}${cc.system === 'gitlab' ? '!' : '#'}${cc.number}`,
      url: urlOf(cc.id),
      changes: changesOf(cc.id),
    })),
  ];
}

/** Direct pushes are stored as code changes of kind `push` (see apply-push.ts). */
export function isPush(recordId: string): boolean {
  return recordId.split(':')[1] === 'push';
}
