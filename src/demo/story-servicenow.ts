import type { SimState } from '../../connectors/servicenow/simulator-state.js';
import { formatSnTime } from '../../connectors/servicenow/time.js';
import { atUtc, castMember, person, shift, storySysId } from './story-cast.js';
import type { StoryChange, StoryChangeRole, StoryPerson } from './story-types.js';

/**
 * The ServiceNow side of the story. Every write goes through SimState.insert/update without
 * `silent`, exactly as the simulator's Table API routes do, so `sys_updated_on` and
 * `sys_mod_count` move and the business rule posts to whoever listens. Past events pass
 * `at` (the same option the simulator's own seeder uses for history).
 */

type Seeded = Omit<StoryChange, 'jiraIssueKey'>;

export function seedServiceNowUsers(state: SimState, people: StoryPerson[], now: Date): void {
  for (const p of people) {
    if (state.get('sys_user', p.servicenow.sysId)) continue;
    const c = castMember(p.role);
    state.insert(
      'sys_user',
      {
        user_name: p.servicenow.userName,
        first_name: c.first,
        last_name: c.last,
        name: p.name,
        email: p.email,
        title: c.title,
      },
      { sysId: p.servicenow.sysId, at: shift(now, -90), user: 'admin' },
    );
  }
}

export function seedServiceNowChanges(
  state: SimState,
  people: StoryPerson[],
  now: Date,
): Record<StoryChangeRole, Seeded> {
  const requester = person(people, 'requester');
  const approver = person(people, 'approver');
  const engineer = person(people, 'engineer');
  const common = {
    requested_by: requester.servicenow.sysId,
    assigned_to: engineer.servicenow.sysId,
    opened_by: requester.servicenow.sysId,
  };
  const by = { user: requester.servicenow.userName };

  // 1. Waiting for the CAB: the window is tomorrow night, one approval requested.
  const pgStart = atUtc(now, 1, 22);
  const pg = state.insert(
    'change_request',
    {
      ...common,
      short_description: 'Upgrade payments database to PostgreSQL 16',
      description:
        'In-place major upgrade of the payments-db cluster (primary + 2 replicas) from PostgreSQL 13 to 16 with pg_upgrade --link.',
      type: 'normal',
      state: '-3',
      approval: 'requested',
      risk: '2',
      impact: '2',
      priority: '3',
      category: 'Database',
      cab_required: 'true',
      production_system: 'true',
      start_date: formatSnTime(pgStart),
      end_date: formatSnTime(shift(pgStart, 0, 1)),
      justification:
        'PostgreSQL 13 leaves community support in November; PCI DSS requires supported versions.',
      implementation_plan:
        '1. Freeze payments writes\n2. pg_upgrade --link on replicas, then primary\n3. ANALYZE\n4. Unfreeze and watch error budget',
      backout_plan:
        'Fail over to the untouched standby kept on PostgreSQL 13 and repoint pgbouncer.',
      test_plan:
        'Rehearsed twice on staging; checkout synthetic transactions every minute during the window.',
      risk_impact_analysis: 'Card payments unavailable for up to 15 minutes inside the window.',
    },
    { sysId: storySysId('change_request:postgres-16'), at: shift(now, 0, -20), ...by },
  );
  const pgApproval = insertApproval(
    state,
    pg.sys_id!,
    approver,
    'requested',
    pgStart,
    shift(now, 0, -20),
  );

  // 2. Standard change, pre-approved and scheduled for the day after tomorrow.
  const tlsStart = atUtc(now, 2, 6);
  const tls = state.insert(
    'change_request',
    {
      ...common,
      short_description: 'Rotate TLS certificates on the edge load balancers',
      description:
        'Replace the expiring *.acme.example certificates on edge-lb-01..04 with the renewed ones.',
      type: 'standard',
      state: '-2',
      approval: 'approved',
      risk: '4',
      impact: '3',
      category: 'Network',
      start_date: formatSnTime(tlsStart),
      end_date: formatSnTime(shift(tlsStart, 0, 0, 30)),
      justification: 'Current certificates expire in 9 days.',
      implementation_plan: 'Roll the new certificate bundle one load balancer at a time.',
      backout_plan: 'Re-apply the previous bundle (still valid for 9 days).',
      test_plan: 'openssl s_client against each listener; synthetic HTTPS checks.',
      approval_set: formatSnTime(shift(now, 0, -6)),
    },
    { sysId: storySysId('change_request:tls-rotation'), at: shift(now, 0, -6), ...by },
  );
  const tlsApproval = insertApproval(
    state,
    tls.sys_id!,
    approver,
    'approved',
    tlsStart,
    shift(now, 0, -6),
  );

  // 3. Emergency roll-back, approved by the emergency CAB and under way right now.
  const rbStart = shift(now, 0, 0, -30);
  const rb = state.insert(
    'change_request',
    {
      ...common,
      short_description: 'Emergency: roll back checkout release 4.2.1',
      description: 'Checkout 4.2.1 fails card authorisations for some issuers; roll back to 4.2.0.',
      type: 'emergency',
      state: '-1',
      approval: 'approved',
      risk: '2',
      impact: '1',
      priority: '1',
      category: 'Software',
      start_date: formatSnTime(rbStart),
      end_date: formatSnTime(shift(rbStart, 0, 2)),
      justification: 'Card authorisation failures are costing revenue.',
      implementation_plan: 'Redeploy checkout-web 4.2.0 through the pipeline; drain 4.2.1 pods.',
      backout_plan: 'Redeploy 4.2.1.',
      test_plan: 'Card authorisation success rate back above 99.5%.',
      approval_set: formatSnTime(shift(now, 0, -1)),
      work_start: formatSnTime(rbStart),
    },
    { sysId: storySysId('change_request:checkout-rollback'), at: shift(now, 0, -1), ...by },
  );
  const rbApproval = insertApproval(
    state,
    rb.sys_id!,
    approver,
    'approved',
    rbStart,
    shift(now, 0, -1),
  );

  // 4. Last week's scale-out: approved, implemented, then closed (the update stamps closed_at).
  const soStart = atUtc(now, -7, 21);
  const so = state.insert(
    'change_request',
    {
      ...common,
      short_description: 'Scale out checkout-web to 12 replicas for the spring sale',
      description: 'Raise checkout-web from 8 to 12 replicas and the HPA ceiling to 20.',
      type: 'normal',
      state: '-2',
      approval: 'approved',
      risk: '3',
      impact: '3',
      category: 'Software',
      start_date: formatSnTime(soStart),
      end_date: formatSnTime(shift(soStart, 0, 1)),
      justification: 'Expected traffic peak during the spring sale.',
      implementation_plan: 'Apply the replica and HPA change through GitOps.',
      backout_plan: 'Revert the GitOps commit.',
      test_plan: 'Load test at 1.5x last year’s peak.',
      approval_set: formatSnTime(shift(now, -9)),
    },
    { sysId: storySysId('change_request:checkout-scale-out'), at: shift(now, -9), ...by },
  );
  const soApproval = insertApproval(
    state,
    so.sys_id!,
    approver,
    'approved',
    soStart,
    shift(now, -9),
  );
  const closed = state.update(
    'change_request',
    so.sys_id!,
    {
      state: '3',
      close_code: 'successful',
      close_notes: 'Scaled to 12 replicas; p95 latency stayed under 300 ms through the sale.',
      work_start: formatSnTime(soStart),
      work_end: formatSnTime(shift(soStart, 0, 0, 40)),
    },
    { at: shift(soStart, 0, 1, 15), user: engineer.servicenow.userName },
  );

  return {
    postgresUpgrade: fact('postgresUpgrade', pg, [pgApproval]),
    tlsRotation: fact('tlsRotation', tls, [tlsApproval]),
    checkoutRollback: fact('checkoutRollback', rb, [rbApproval]),
    closedScaleOut: fact('closedScaleOut', closed, [soApproval]),
  };
}

function insertApproval(
  state: SimState,
  changeSysId: string,
  approver: StoryPerson,
  decision: 'requested' | 'approved',
  due: Date,
  at: Date,
): string {
  const row = state.insert(
    'sysapproval_approver',
    {
      approver: approver.servicenow.sysId,
      state: decision,
      sysapproval: changeSysId,
      document_id: changeSysId,
      source_table: 'change_request',
      due_date: formatSnTime(due),
      order: '1',
    },
    {
      sysId: storySysId(`sysapproval_approver:${changeSysId}:${approver.servicenow.userName}`),
      at,
      user: decision === 'approved' ? approver.servicenow.userName : 'system',
    },
  );
  return row.sys_id!;
}

function fact(role: StoryChangeRole, row: Record<string, string>, approvals: string[]): Seeded {
  return {
    role,
    number: row.number!,
    sysId: row.sys_id!,
    title: row.short_description!,
    type: row.type!,
    state: row.state!,
    approval: row.approval!,
    plannedStart: row.start_date ?? '',
    plannedEnd: row.end_date ?? '',
    approvalSysIds: approvals,
  };
}
