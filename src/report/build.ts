import {
  isProductionEnvironment,
  type Approval,
  type Change,
  type CodeChange,
  type Deployment,
  type Finding,
  type Incident,
  type Link,
  type Person,
} from '../model/index.js';
import { buildEvents, deploymentTime, unauthorisedFromFinding, type ReportOrg } from './events.js';
import { emergencyOf, outcomeOf } from './emergencies.js';
import { byFirstSeen, isDriftPolicy, toReportFinding, toReportWaiver } from './findings-view.js';
import { approvalTimes, computeMetrics, type ChangeFacts } from './metrics-calc.js';
import type {
  ReportApproval,
  ReportChange,
  ReportData,
  ReportFinding,
  ReportReconciliation,
  ReportWaiver,
} from './model.js';

/** Everything the report is made of, read from the store by collect.ts. */
export interface ReportInputs {
  generatedAt: Date;
  from: Date;
  to: Date;
  tenant: string | null;
  org: ReportOrg;
  auditHead: { seq: number; hash: string };
  /** The changes the report lists: active in the period, of the tenant. */
  changes: readonly Change[];
  /** Changes linked to the period's events, whatever their tenant (authorisation). */
  eventChanges: readonly Change[];
  /** Links of every change above, and of every candidate event. */
  links: readonly Link[];
  approvals: readonly Approval[];
  deployments: readonly Deployment[];
  codeChanges: readonly CodeChange[];
  incidents: readonly Incident[];
  /** Findings of the listed changes (any status) and orphan findings seen in the period. */
  findings: readonly Finding[];
  people: ReadonlyMap<string, Person>;
  /** Audit first appearance by subject: change key (`change.created`), approval id. */
  firstSeen: ReadonlyMap<string, Date>;
  reconciliations: readonly ReportReconciliation[];
  /** `emergency-review`'s reviewHours: when an emergency's review is due. */
  emergencyReviewHours: number;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

function group<T>(items: readonly T[], key: (t: T) => string | null): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === null) continue;
    const list = out.get(k) ?? [];
    list.push(item);
    out.set(k, list);
  }
  return out;
}

export function buildReport(input: ReportInputs): ReportData {
  const personName = (id: string) => input.people.get(id)?.displayName ?? id;
  const changesById = new Map<string, Change>();
  for (const c of [...input.eventChanges, ...input.changes]) changesById.set(c.id, c);
  const keyOf = (id: string | null) => (id ? (changesById.get(id)?.key ?? null) : null);
  const linksByChange = group(input.links, (l) => l.changeId);
  const linksByRecord = group(input.links, (l) => l.recordId);
  const approvalsByChange = group(input.approvals, (a) => a.changeId);
  const findingsByChange = group(input.findings, (f) => f.changeId);
  const view = (f: Finding) => toReportFinding(f, keyOf(f.changeId), personName);

  const approvalsOf = (changeId: string): ReportApproval[] =>
    (approvalsByChange.get(changeId) ?? [])
      .map((a) => ({
        approver: personName(a.approver),
        decision: a.decision,
        decidedAt: iso(a.decidedAt),
        system: a.source,
      }))
      .sort(
        (a, b) =>
          (a.decidedAt ?? '~').localeCompare(b.decidedAt ?? '~') ||
          a.approver.localeCompare(b.approver),
      );
  const findingsOfChange = (changeId: string) =>
    (findingsByChange.get(changeId) ?? []).map(view).sort(byFirstSeen);

  const { events, unauthorised, unauthorisedIds } = buildEvents(
    input.deployments,
    input.codeChanges,
    {
      org: input.org,
      from: input.from,
      to: input.to,
      tenant: input.tenant,
      linksByRecord,
      changesById,
      approvalsOf,
      personName,
      changeUrl: (id) =>
        (linksByChange.get(id) ?? []).find((l) => l.kind === 'change_request')?.url ?? null,
      // A finding is about an event when it names the record (subject or evidence).
      findingsOf: (recordId, changeId) =>
        input.findings
          .filter(
            (f) =>
              (f.changeId === changeId || f.changeId === null) &&
              (f.subject === recordId ||
                f.evidence.deployment === recordId ||
                f.evidence.codeChange === recordId),
          )
          .map(view)
          .sort(byFirstSeen),
    },
  );

  const seenInPeriod = (f: Finding) =>
    f.firstSeenAt.getTime() <= input.to.getTime() && f.lastSeenAt.getTime() >= input.from.getTime();
  const listed = new Set(unauthorised.map((u) => u.ref.key));
  for (const f of input.findings) {
    if (f.policy !== 'unauthorised-change' || f.status !== 'open' || !seenInPeriod(f)) continue;
    const entry = unauthorisedFromFinding(f);
    // Already listed from the event itself: one line per record.
    if (listed.has(entry.ref.key) || unauthorisedIds.has(f.subject)) continue;
    listed.add(entry.ref.key);
    unauthorised.push(entry);
  }
  unauthorised.sort(
    (a, b) => (a.at ?? '').localeCompare(b.at ?? '') || a.ref.key.localeCompare(b.ref.key),
  );

  const changes = [...input.changes].sort((a, b) => a.key.localeCompare(b.key));
  const reportChanges: ReportChange[] = changes.map((c) => ({
    key: c.key,
    title: c.title,
    type: c.type,
    risk: c.risk,
    state: c.state,
    approval: c.approval,
    outcome: outcomeOf(c),
    plannedStart: iso(c.plannedStart),
    plannedEnd: iso(c.plannedEnd),
    closedAt: iso(c.closedAt),
    records: (linksByChange.get(c.id) ?? []).map((l) => ({
      system: l.system,
      key: l.externalKey ?? l.externalId,
      url: l.url,
    })),
    approvals: approvalsOf(c.id),
    findings: findingsOfChange(c.id),
  }));

  const drift: ReportFinding[] = input.findings
    .filter((f) => isDriftPolicy(f.policy) && seenInPeriod(f))
    .map(view)
    .sort(byFirstSeen);
  const waivers: ReportWaiver[] = input.findings
    .map((f) => toReportWaiver(f, keyOf(f.changeId), personName))
    .filter((w): w is ReportWaiver => w !== null)
    .sort((a, b) => a.finding.localeCompare(b.finding));

  const prodDeploymentsOf = (changeId: string) =>
    (linksByChange.get(changeId) ?? [])
      .filter((l) => l.kind === 'deployment')
      .map((l) => input.deployments.find((d) => d.id === l.recordId))
      .filter(
        (d): d is Deployment =>
          d !== undefined &&
          isProductionEnvironment(d.environment, input.org.productionEnvironments),
      );
  const emergencies = changes
    .filter((c) => c.type === 'emergency')
    .map((c) => emergencyOf(c, prodDeploymentsOf(c.id), input, findingsOfChange(c.id)));

  const causedBy = new Set(input.incidents.map((i) => i.causedBy).filter(Boolean));
  const facts: ChangeFacts[] = changes.map((c) => {
    const times = approvalTimes(approvalsByChange.get(c.id) ?? [], input.firstSeen);
    return {
      type: c.type,
      approval: c.approval,
      state: c.state,
      closeCode: c.closeCode,
      createdAt: input.firstSeen.get(c.key) ?? null,
      approvalRequestedAt: times.requestedAt,
      approvedAt: times.approvedAt,
      deployed: prodDeploymentsOf(c.id).some((d) => {
        const at = deploymentTime(d);
        return d.status === 'success' && at !== null && at >= input.from && at <= input.to;
      }),
      causedIncident:
        causedBy.has(c.key) ||
        (findingsByChange.get(c.id) ?? []).some((f) => f.policy === 'change-related-incident'),
    };
  });

  const distinct = new Map<string, Finding>();
  for (const f of input.findings) distinct.set(f.id, f);
  const open = [...distinct.values()].filter((f) => f.status === 'open');
  const byOutcome: Record<string, number> = {};
  for (const c of reportChanges) byOutcome[c.outcome] = (byOutcome[c.outcome] ?? 0) + 1;
  const byType = { standard: 0, normal: 0, emergency: 0 };
  for (const c of changes) byType[c.type] += 1;

  return {
    version: 1,
    generatedAt: input.generatedAt.toISOString(),
    period: { from: input.from.toISOString(), to: input.to.toISOString() },
    tenant: input.tenant,
    auditHead: input.auditHead,
    totals: {
      changes: changes.length,
      byType,
      byOutcome,
      deployments: events.filter((e) => e.kind === 'deployment').length,
      merges: events.filter((e) => e.kind === 'merge').length,
      unauthorised: unauthorised.length,
      openFindings: open.length,
      blockingFindings: open.filter((f) => f.blocking).length,
    },
    metrics: computeMetrics(facts),
    changes: reportChanges,
    events,
    unauthorised,
    drift,
    waivers,
    emergencies,
    reconciliations: [...input.reconciliations],
  };
}
