import { randomUUID } from 'node:crypto';
import { In, MoreThan, MoreThanOrEqual, Not, type EntityManager } from 'typeorm';
import { findingId, type Change, type Connector, type Finding, type Link } from '../model/index.js';
import { diffFindings, type OrgFacts } from '../policy/index.js';
import {
  compareChange,
  DRIFT_POLICIES,
  findUnauthorised,
  type Discrepancy,
  type FreshRecord,
} from '../reconcile/index.js';
import { ChangeEntity, type ReconcileRunRow, type Store } from '../store/index.js';
import { reevaluate, type ApplyDeps } from './apply-batch.js';
import { APPROVAL_LABELS } from './plan-jira.js';
import { loadActivity } from './reconcile-activity.js';
import { readLinked, type FreshRead } from './reconcile-read.js';

/**
 * A reconciliation run (DESIGN §7): every linked change (or those updated since `since`)
 * is compared with what each system says now, read fresh in batches; recent production
 * deployments, protected-branch merges and direct pushes are checked for an approved
 * change covering them. Each discrepancy is a finding (`drift-*`, `unauthorised-change`);
 * unless `dryRun`, findings are stored and audited, and corrections are queued: a record
 * that is right is fed back through the pipeline (the inbox), a record that is wrong gets
 * the canonical value written again. The run itself is stored in `reconcile_runs`.
 */
export interface ReconcileDeps {
  apply: ApplyDeps;
  connectors: readonly Connector[];
  org: OrgFacts;
  /** API requests made so far by this process (for the run's count). */
  apiCalls?: () => number;
  pageSize?: number;
}

export interface ReconcileOptions {
  dryRun?: boolean;
  /** Only changes updated since, and activity since (default: every change, 30 days). */
  since?: Date;
  signal?: AbortSignal;
}

export interface ReconcileSummary {
  run: string;
  dryRun: boolean;
  checked: number;
  recordsRead: number;
  apiCalls: number;
  found: number;
  opened: number;
  resolved: number;
  corrections: number;
  findings: Finding[];
  ms: number;
}

const ACTIVITY_DAYS = 30;

export async function runReconcile(
  deps: ReconcileDeps,
  opts: ReconcileOptions = {},
): Promise<ReconcileSummary> {
  const { store, audit, clock, logger } = deps.apply;
  const started = clock.now();
  const t0 = Date.now();
  const calls0 = deps.apiCalls?.() ?? 0;
  const dryRun = opts.dryRun ?? false;
  const run: ReconcileRunRow = {
    id: randomUUID(),
    startedAt: started,
    finishedAt: null,
    status: 'running',
    scope: opts.since ? `changes updated since ${opts.since.toISOString()}` : 'all linked changes',
    since: opts.since ?? null,
    dryRun,
    checked: 0,
    recordsRead: 0,
    apiCalls: 0,
    found: 0,
    opened: 0,
    resolved: 0,
    corrections: 0,
    error: null,
  };
  const saveRun = () =>
    store.db.transaction((m) => m.getRepository<ReconcileRunRow>('ReconcileRun').save(run));
  await saveRun();
  try {
    const found: Discrepancy[] = [];
    const reads = new Map<string, FreshRead | null>();
    const scanned = new Set<string>();
    /** Records a reader was asked for: only their findings can resolve. */
    const judged = new Set<string>();
    let after = '';
    for (;;) {
      const page = await store.db.with(undefined, (m) =>
        pageOfChanges(m, after, opts.since, deps.pageSize ?? 1000),
      );
      if (page.length === 0) break;
      after = page[page.length - 1]!.id;
      const ids = page.map((c) => c.id);
      const links = await store.db.with(undefined, (m) => store.syncRows.linksByChanges(m, ids));
      const tenant = new Map(page.map((c) => [c.id, c.tenant]));
      const fresh = await readLinked(
        {
          connectors: deps.connectors,
          mappings: deps.apply.mappings,
          changeNumberField: deps.apply.settings.jiraOnly.changeNumberField,
          ...(opts.signal ? { signal: opts.signal } : {}),
        },
        links,
        (id) => tenant.get(id) ?? deps.apply.settings.defaultTenant,
      );
      const byChange = groupBy(links, (l) => l.changeId);
      for (const change of page) {
        scanned.add(change.id);
        const mine = byChange.get(change.id) ?? [];
        const view = new Map<string, FreshRecord | null>();
        for (const l of mine) {
          if (!fresh.has(l.recordId)) continue;
          judged.add(l.recordId);
          const r = fresh.get(l.recordId) ?? null;
          view.set(l.recordId, r?.record ?? null);
          run.recordsRead += r ? 1 : 0;
        }
        const drift = compareChange({
          change,
          links: mine,
          fresh: view,
          expectsChangeRequest:
            deps.apply.settings.jiraOnly.enabled &&
            deps.apply.settings.servicenowConnection !== null,
          approvalLabels: APPROVAL_LABELS,
        });
        found.push(...drift);
        // Keep the raw reads only where a correction may need them: memory stays flat.
        for (const d of drift)
          if (d.correction)
            reads.set(
              `${change.id}|${d.correction.recordId}`,
              fresh.get(d.correction.recordId) ?? null,
            );
      }
      run.checked += page.length;
    }
    const since = opts.since ?? new Date(started.getTime() - ACTIVITY_DAYS * 86_400_000);
    const activity = await store.db.with(undefined, (m) => loadActivity(store, m, deps.org, since));
    const unauthorised = findUnauthorised(activity, started);
    found.push(...unauthorised);
    const subjects = new Set(unauthorised.map((d) => d.subject));
    for (const a of activity) subjects.add(a.key);

    const now = clock.now();
    const fresh = found.map((d) => toFinding(d, now));
    const stored = await store.db.with(undefined, (m) =>
      m.getRepository<Finding>('Finding').find({
        where: { policy: In([...DRIFT_POLICIES]), status: Not('resolved') },
      }),
    );
    // Only what this run looked at can resolve: a partial run leaves the rest alone.
    const inScope = stored.filter((f) =>
      f.policy === 'unauthorised-change'
        ? subjects.has(f.subject)
        : f.changeId !== null &&
          scanned.has(f.changeId) &&
          (typeof f.evidence.record !== 'string' || judged.has(f.evidence.record)),
    );
    // A drift found again after it was resolved re-opens its finding (same id, first seen
    // kept): the resolved rows of what this run found are read back for the diff.
    const freshIds = fresh.map((f) => f.id);
    for (let i = 0; i < freshIds.length; i += 500) {
      const resolved = await store.db.with(undefined, (m) =>
        m.getRepository<Finding>('Finding').find({
          where: { id: In(freshIds.slice(i, i + 500)), status: 'resolved' },
        }),
      );
      inScope.push(...resolved);
    }
    const diff = diffFindings(inScope, fresh, new Set(DRIFT_POLICIES), now);
    run.found = found.length;
    run.opened = diff.transitions.filter(
      (t) => t.transition === 'opened' || t.transition === 'reopened',
    ).length;
    run.resolved = diff.transitions.filter((t) => t.transition === 'resolved').length;

    if (!dryRun) {
      await store.db.transaction(async (m) => {
        for (const f of diff.upserts) await store.findings.upsert(f, m);
        await audit.append(
          [
            ...diff.transitions.map(({ finding, transition }) => ({
              actor: 'changebridge',
              action: `finding.${transition}`,
              subject: finding.subject,
              data: {
                finding: finding.id,
                policy: finding.policy,
                severity: finding.severity,
                message: finding.message,
                run: run.id,
              },
            })),
            {
              actor: 'changebridge',
              action: 'reconcile.run',
              subject: run.scope,
              data: {
                run: run.id,
                checked: run.checked,
                found: run.found,
                opened: run.opened,
                resolved: run.resolved,
              },
            },
          ],
          now,
          m,
        );
      });
      run.corrections = await correct(deps, found, reads, now);
    }
    run.apiCalls = (deps.apiCalls?.() ?? calls0) - calls0;
    run.status = 'done';
    run.finishedAt = clock.now();
    await saveRun();
    logger.info('reconcile.done', {
      run: run.id,
      dryRun,
      checked: run.checked,
      found: run.found,
      opened: run.opened,
      resolved: run.resolved,
      corrections: run.corrections,
      apiCalls: run.apiCalls,
      ms: Date.now() - t0,
    });
    return { ...summaryOf(run), findings: fresh, ms: Date.now() - t0 };
  } catch (error) {
    run.status = 'failed';
    run.finishedAt = clock.now();
    run.error = error instanceof Error ? error.message : String(error);
    await saveRun();
    throw error;
  }
}

function summaryOf(run: ReconcileRunRow) {
  const { id, dryRun, checked, recordsRead, apiCalls, found, opened, resolved, corrections } = run;
  return { run: id, dryRun, checked, recordsRead, apiCalls, found, opened, resolved, corrections };
}

async function pageOfChanges(
  m: EntityManager,
  after: string,
  since: Date | undefined,
  size: number,
): Promise<Change[]> {
  return m.getRepository(ChangeEntity).find({
    where: { id: MoreThan(after), ...(since ? { updatedAt: MoreThanOrEqual(since) } : {}) },
    order: { id: 'ASC' },
    take: size,
  });
}

function toFinding(d: Discrepancy, now: Date): Finding {
  return {
    id: findingId(d.policy, d.changeId ?? d.subject, d.discriminator),
    changeId: d.changeId,
    subject: d.subject,
    policy: d.policy,
    severity: d.severity,
    blocking: false,
    status: 'open',
    message: d.message,
    evidence: { ...d.evidence, ...(d.correction ? { correction: d.correction.kind } : {}) },
    firstSeenAt: now,
    lastSeenAt: now,
    resolvedAt: null,
    waiver: null,
  };
}

/**
 * Puts drift right where a side is known to be right (DESIGN §7): a record whose version
 * moved since it was last applied is fed through the inbox (the sync's merge and authority
 * rules decide, and plan the writes to the other side); otherwise the canonical value is
 * written to it again (its base is set to what it shows, so the planner sees the gap).
 */
async function correct(
  deps: ReconcileDeps,
  found: readonly Discrepancy[],
  reads: ReadonlyMap<string, FreshRead | null>,
  now: Date,
): Promise<number> {
  const { store } = deps.apply;
  const replan = new Set<string>();
  let corrections = 0;
  const seen = new Set<string>();
  for (const d of found) {
    if (!d.correction || !d.changeId) continue;
    const key = `${d.changeId}|${d.correction.recordId}|${d.correction.kind}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const read = reads.get(`${d.changeId}|${d.correction.recordId}`);
    if (!read) continue;
    const link = (await store.links.findByRecord(d.correction.recordId)).find(
      (l) => l.changeId === d.changeId,
    );
    if (!link) continue;
    const moved = read.version !== null && read.version !== link.sourceVersion;
    if (d.correction.kind === 'reapply' && moved) {
      const event = {
        ...read.event,
        deliveryKey: `reconcile:${read.event.kind}:${read.event.externalId ?? ''}@${read.version}`,
        receivedAt: now,
      };
      const [r] = await store.inbox.insertMany([event]);
      if (r?.inserted) corrections += 1;
      continue;
    }
    await rewrite(store, link, d, read.record);
    replan.add(d.changeId);
    corrections += 1;
  }
  if (replan.size > 0) await reevaluate(deps.apply, [...replan]);
  return corrections;
}

async function rewrite(
  store: Store,
  link: Link,
  d: Discrepancy,
  record: FreshRecord,
): Promise<void> {
  const state = link.syncState ?? { base: {}, written: {} };
  const aspect = d.correction?.kind === 'rewrite' ? d.correction.aspect : 'fields';
  const written = { ...state.written };
  delete written[aspect];
  const base = { ...state.base };
  const field = typeof d.evidence.field === 'string' ? d.evidence.field : null;
  if (aspect === 'fields' && field && field in record.values)
    base[field] = d.evidence.recordValue ?? null;
  await store.links.upsert({ ...link, syncState: { base, written } });
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const i of items) out.set(key(i), [...(out.get(key(i)) ?? []), i]);
  return out;
}
