import {
  emptyChange,
  type Approval,
  type Change,
  type CodeChange,
  type Deployment,
  type Incident,
  type Person,
} from '../../../src/model/index.js';
import type { FreezeCalendar } from '../../../src/policy/calendar.js';
import type { ChangeSummary, PolicyContext } from '../../../src/policy/types.js';

/**
 * Builders for rule tests: a realistic approved normal change with everything filled in,
 * and a context around it; each test overrides only what its case is about.
 */
export const T0 = new Date('2026-11-02T10:00:00Z');
export const at = (iso: string): Date => new Date(iso);
export const hours = (n: number): number => n * 3_600_000;
export const plus = (d: Date, ms: number): Date => new Date(d.getTime() + ms);

export function aChange(overrides: Partial<Change> = {}): Change {
  return {
    ...emptyChange(
      '11111111-1111-4111-8111-111111111111',
      { key: 'CHG0030001', title: 'Upgrade payments API', tenant: 'default' },
      T0,
    ),
    type: 'normal',
    risk: 'moderate',
    impact: 'medium',
    state: 'scheduled',
    approval: 'approved',
    plannedStart: at('2026-11-03T09:00:00Z'),
    plannedEnd: at('2026-11-03T11:00:00Z'),
    requestedBy: 'person-requester',
    assignedTo: 'person-implementer',
    services: ['payments-api'],
    environment: 'production',
    justification: 'Security patch for CVE-2026-1234.',
    implementationPlan: 'Roll out with the blue/green pipeline.',
    backoutPlan: 'Switch traffic back to blue.',
    testPlan: 'Smoke tests and synthetic checks.',
    impactAnalysis: 'Payments unavailable for at most 30 s.',
    ...overrides,
  };
}

export function anApproval(overrides: Partial<Approval> = {}): Approval {
  return {
    id: 'servicenow:sysapproval_approver:sn:appr-1',
    changeId: '11111111-1111-4111-8111-111111111111',
    approver: 'person-approver',
    decision: 'approved',
    originalDecision: 'approved',
    decidedAt: at('2026-11-02T12:00:00Z'),
    source: 'servicenow',
    validUntil: null,
    delegatedFrom: null,
    sourceEventIds: [],
    updatedAt: T0,
    ...overrides,
  };
}

export function aCodeChange(overrides: Partial<CodeChange> = {}): CodeChange {
  return {
    id: 'github:pull_request:gh:acme/payments#12',
    system: 'github',
    repo: 'acme/payments',
    number: 12,
    title: 'CHG0030001 upgrade payments API',
    author: 'person-author',
    reviewers: [
      { reviewer: 'person-reviewer', verdict: 'approved', at: at('2026-11-03T08:00:00Z') },
    ],
    mergedBy: 'person-author',
    mergedAt: at('2026-11-03T09:30:00Z'),
    headSha: 'a'.repeat(40),
    mergeSha: 'b'.repeat(40),
    targetBranch: 'main',
    linkedKeys: ['CHG0030001'],
    sourceEventIds: [],
    updatedAt: T0,
    ...overrides,
  };
}

export function aDeployment(overrides: Partial<Deployment> = {}): Deployment {
  return {
    id: 'github:deployment:gh:acme/payments/1001',
    system: 'github',
    repo: 'acme/payments',
    sha: 'b'.repeat(40),
    environment: 'production',
    actor: 'person-deployer',
    status: 'success',
    originalStatus: 'success',
    startedAt: at('2026-11-03T10:00:00Z'),
    finishedAt: at('2026-11-03T10:05:00Z'),
    linkedKeys: ['CHG0030001'],
    sourceEventIds: [],
    updatedAt: T0,
    ...overrides,
  };
}

export function anIncident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: 'servicenow:incident:sn:inc-1',
    key: 'INC0010001',
    priority: 2,
    services: ['payments-api'],
    openedAt: at('2026-11-03T10:30:00Z'),
    resolvedAt: null,
    causedBy: null,
    sourceEventIds: [],
    updatedAt: T0,
    ...overrides,
  };
}

export function aPerson(id: string, overrides: Partial<Person> = {}): Person {
  return {
    id,
    displayName: id.replace(/^person-/, '').replace(/^\w/, (c) => c.toUpperCase()),
    email: `${id.replace(/^person-/, '')}@example.com`,
    identities: [],
    updatedAt: T0,
    ...overrides,
  };
}

export function aSummary(overrides: Partial<ChangeSummary> = {}): ChangeSummary {
  return {
    id: '22222222-2222-4222-8222-222222222222',
    key: 'CHG0020001',
    type: 'normal',
    state: 'closed',
    services: ['payments-api'],
    tenant: 'default',
    closeCode: 'successful',
    plannedStart: at('2026-10-01T09:00:00Z'),
    closedAt: at('2026-10-01T12:00:00Z'),
    createdAt: at('2026-09-28T09:00:00Z'),
    causedIncident: false,
    ...overrides,
  };
}

/** A context with one approval by `person-approver` and everyone known by email. */
export function aContext(overrides: Partial<PolicyContext> = {}): PolicyContext {
  const people = new Map<string, Person>();
  for (const id of [
    'person-requester',
    'person-implementer',
    'person-approver',
    'person-author',
    'person-reviewer',
    'person-deployer',
  ])
    people.set(id, aPerson(id));
  return {
    links: [],
    approvals: [anApproval()],
    codeChanges: [],
    deployments: [],
    incidents: [],
    people,
    history: [],
    org: {
      productionEnvironments: ['production', 'prod'],
      protectedBranches: ['main', 'release/*'],
      calendars: new Map<string, FreezeCalendar>(),
    },
    ...overrides,
  };
}
