import type { EntityManager } from 'typeorm';
import type { Change, Deployment } from '../model/index.js';
import { decideGate, type GateVerdict } from '../policy/index.js';
import type { GateRequestRow, Store } from '../store/index.js';
import { codeChangeVerdict } from './plan-findings.js';
import type { PolicyHook } from './policy-hook.js';

/**
 * Gate decisions (DESIGN §6, §8): whether a commit may go ahead, from the findings of the
 * changes it belongs to. Stored gate requests (gate-requests.ts) and `GET /api/v1/gate`
 * both decide here.
 */
export interface GateSources {
  store: Store;
  m: EntityManager;
  now: Date;
  policy: PolicyHook;
}

/** The decision for one stored request (a status check is a merge gate: no window). */
export async function decideRequest(src: GateSources, r: GateRequestRow): Promise<GateVerdict> {
  if (r.kind === 'status_check') {
    const changes = await changesForCommit(src, r.repo, r.sha, r.linkedKeys);
    if (changes.length === 0) return decideGate(r, [], src.now);
    const assessed = await src.policy.assess(src, changes);
    const verdicts = changes.map((c) => ({ c, v: codeChangeVerdict(c, assessed.get(c.id) ?? []) }));
    const pick =
      verdicts.find((x) => x.v.state === 'success') ??
      verdicts.find((x) => x.v.state === 'pending') ??
      verdicts[0]!;
    const decision =
      pick.v.state === 'success' ? 'allow' : pick.v.state === 'pending' ? 'pending' : 'deny';
    return {
      decision,
      change: pick.c.key,
      reasons: decision === 'allow' ? [] : [pick.v.description],
    };
  }
  return decideDeployment(
    src,
    { repo: r.repo, sha: r.sha, environment: r.environment },
    r.linkedKeys,
  );
}

/** `GET /api/v1/gate` and protection rules alike: may this commit deploy there now? */
export async function decideDeployment(
  src: GateSources,
  query: { repo: string; sha: string; environment: string },
  linkedKeys: readonly string[] = [],
): Promise<GateVerdict> {
  const changes = await changesForCommit(src, query.repo, query.sha, linkedKeys);
  const candidate = (change: Change): Deployment => ({
    id: `gate:${query.repo}@${query.sha}/${query.environment}`,
    system: 'github',
    repo: query.repo,
    sha: query.sha,
    environment: query.environment,
    actor: null,
    status: 'pending',
    originalStatus: null,
    startedAt: null,
    finishedAt: null,
    linkedKeys: [change.key],
    sourceEventIds: [],
    updatedAt: src.now,
  });
  const assessed = await src.policy.assess(src, changes, candidate);
  return decideGate(
    query,
    changes.map((change) => ({ change, findings: assessed.get(change.id) ?? [] })),
    src.now,
  );
}

/** Changes a commit belongs to: through its pull request, its deployments, or keys. */
export async function changesForCommit(
  src: Pick<GateSources, 'store' | 'm'>,
  repo: string,
  sha: string,
  keys: readonly string[],
): Promise<Change[]> {
  const { store, m } = src;
  const ids = new Set<string>();
  const records = [
    ...(await store.codeChanges.find({ repo, headSha: sha }, m)),
    ...(await store.codeChanges.find({ repo, mergeSha: sha }, m)),
    ...(await store.deployments.find({ repo, sha }, m)),
  ];
  for (const r of records)
    for (const l of await store.links.findByRecord(r.id, m)) ids.add(l.changeId);
  for (const key of keys) {
    const change = await store.changes.findByKey(key, m);
    if (change) ids.add(change.id);
    for (const l of await store.links.findByExternalKey(key, m)) ids.add(l.changeId);
  }
  const changes: Change[] = [];
  for (const id of [...ids].sort()) {
    const c = await store.changes.findById(id, m);
    if (c) changes.push(c);
  }
  return changes;
}
