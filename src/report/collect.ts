import {
  Between,
  In,
  IsNull,
  LessThanOrEqual,
  MoreThanOrEqual,
  type EntityManager,
  type FindOptionsWhere,
} from 'typeorm';
import type { Change, CodeChange, Deployment, Finding, Link, Person } from '../model/index.js';
import {
  ChangeEntity,
  CodeChangeEntity,
  DeploymentEntity,
  FindingEntity,
  LinkEntity,
  type Store,
} from '../store/index.js';
import { buildReport } from './build.js';
import type { ReportOrg } from './events.js';
import type { ReportData } from './model.js';
import { auditHead, firstSeen, reconciliationRuns } from './read-extra.js';

export interface CollectOptions {
  from: Date;
  to: Date;
  /** Null: every tenant. */
  tenant: string | null;
  /** Generation time: "overdue" and "open" are judged at this instant. */
  now: Date;
  org: ReportOrg;
  /** Hours an emergency change has for its review (`emergency-review` reviewHours). */
  emergencyReviewHours?: number;
}

/** IN lists stay well below every driver's parameter limit. */
const CHUNK = 500;

async function inChunks<T>(
  ids: readonly string[],
  read: (chunk: string[]) => Promise<T[]>,
): Promise<T[]> {
  const unique = [...new Set(ids)];
  const out: T[] = [];
  for (let i = 0; i < unique.length; i += CHUNK)
    out.push(...(await read(unique.slice(i, i + CHUNK))));
  return out;
}

/**
 * Reads what an auditor's report covers (docs/reports.md) and assembles it. One
 * transaction, so the report is one consistent view; the audit head is read last, so
 * every audit event behind the rows read is at or before it.
 *
 * A change is in the report when, in the period, it was planned (window overlaps), had an
 * approval decided, was closed or updated, or a production deployment or protected-branch
 * merge linked to it happened. With a tenant, only that tenant's changes and the events
 * linked to them; events linked to no change are in the every-tenant report only.
 */
export function collectReport(store: Store, o: CollectOptions): Promise<ReportData> {
  return store.db.transaction(async (m) => {
    const { from, to } = o;
    const period = Between(from, to);
    const tenantWhere = o.tenant === null ? {} : { tenant: o.tenant };
    const changeRepo = m.getRepository(ChangeEntity);
    const planned: FindOptionsWhere<Change>[] = [
      { ...tenantWhere, plannedStart: LessThanOrEqual(to), plannedEnd: MoreThanOrEqual(from) },
      { ...tenantWhere, plannedStart: period, plannedEnd: IsNull() },
      { ...tenantWhere, closedAt: period },
      { ...tenantWhere, updatedAt: period },
    ];
    const periodChanges = await changeRepo.find({ where: planned });
    const decided = await store.approvals.find({ decidedAt: period }, m);

    const deployments = await m.getRepository(DeploymentEntity).find({
      where: [
        { startedAt: period },
        { startedAt: IsNull(), finishedAt: period },
        { startedAt: IsNull(), finishedAt: IsNull(), updatedAt: period },
      ],
    });
    const merges = await m.getRepository(CodeChangeEntity).find({ where: { mergedAt: period } });
    const eventIds = [...deployments.map((d) => d.id), ...merges.map((c) => c.id)];
    const eventLinks = await inChunks(eventIds, (ids) =>
      m.getRepository(LinkEntity).findBy({ recordId: In(ids) }),
    );
    const eventChanges = await changesByIds(
      m,
      eventLinks.map((l) => l.changeId),
    );

    const scope = new Map<string, Change>();
    for (const c of periodChanges) scope.set(c.id, c);
    const extraIds = [...decided.map((a) => a.changeId), ...eventChanges.map((c) => c.id)];
    for (const c of [...eventChanges, ...(await changesByIds(m, extraIds))])
      if (o.tenant === null || c.tenant === o.tenant) scope.set(c.id, c);
    const changes = [...scope.values()];
    const changeIds = changes.map((c) => c.id);

    const links = await inChunks(changeIds, (ids) =>
      m.getRepository(LinkEntity).findBy({ changeId: In(ids) }),
    );
    const approvals = await inChunks(changeIds, (ids) =>
      store.approvals.find({ changeId: In(ids) }, m),
    );
    const linkedDeploymentIds = links.filter((l) => l.kind === 'deployment').map((l) => l.recordId);
    const known = new Set(deployments.map((d) => d.id));
    const more = await inChunks(
      linkedDeploymentIds.filter((id) => !known.has(id)),
      (ids) => store.deployments.find({ id: In(ids) }, m),
    );
    const changeFindings = await inChunks(changeIds, (ids) =>
      store.findings.find({ changeId: In(ids) }, m),
    );
    const orphans = (
      await m.getRepository(FindingEntity).find({
        where: {
          changeId: IsNull(),
          firstSeenAt: LessThanOrEqual(to),
          lastSeenAt: MoreThanOrEqual(from),
        },
      })
    ).filter((f) => o.tenant === null || f.evidence.tenant === o.tenant);
    const incidents = await inChunks(
      changes.map((c) => c.key),
      (keys) => store.incidents.find({ causedBy: In(keys) }, m),
    );
    const people = await peopleNamed(
      store,
      m,
      [...approvals.map((a) => a.approver)],
      [...deployments, ...more],
      merges,
      [...changeFindings, ...orphans],
    );
    const seen = await firstSeen(m, [...changes.map((c) => c.key), ...approvals.map((a) => a.id)]);
    const reconciliations = await reconciliationRuns(m, from, to);
    const head = await auditHead(m);

    return buildReport({
      generatedAt: o.now,
      from,
      to,
      tenant: o.tenant,
      org: o.org,
      auditHead: head,
      changes,
      eventChanges,
      links: uniqueLinks([...links, ...eventLinks]),
      approvals,
      deployments: [...deployments, ...more],
      codeChanges: merges,
      incidents,
      findings: [...changeFindings, ...orphans],
      people,
      firstSeen: seen,
      reconciliations,
      emergencyReviewHours: o.emergencyReviewHours ?? 24,
    });
  });
}

function changesByIds(m: EntityManager, ids: readonly string[]): Promise<Change[]> {
  return inChunks(ids, (chunk) => m.getRepository(ChangeEntity).findBy({ id: In(chunk) }));
}

function uniqueLinks(links: readonly Link[]): Link[] {
  const out = new Map<string, Link>();
  for (const l of links) out.set(`${l.changeId}\u0000${l.recordId}`, l);
  return [...out.values()];
}

/** Everyone the report names: approvers, deployers, mergers, waivers' authors. */
async function peopleNamed(
  store: Store,
  m: EntityManager,
  approvers: readonly string[],
  deployments: readonly Deployment[],
  merges: readonly CodeChange[],
  findings: readonly Finding[],
): Promise<Map<string, Person>> {
  const ids = [
    ...approvers,
    ...deployments.map((d) => d.actor),
    ...merges.map((c) => c.mergedBy),
    ...findings.map((f) => f.waiver?.by ?? null),
  ].filter((id): id is string => typeof id === 'string' && id !== '');
  const people = await inChunks(ids, (chunk) => store.people.findByIds(chunk, m));
  return new Map(people.map((p) => [p.id, p]));
}
