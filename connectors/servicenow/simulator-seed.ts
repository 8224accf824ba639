import { seededRandom } from './simulator-faults.js';
import type { SimState } from './simulator-state.js';
import { formatSnTime } from './time.js';

/**
 * Deterministic, realistic seed data: the same seed gives the same users, changes,
 * approvals and incidents (sys_ids included), so demos and benchmarks repeat.
 * Records go straight into the simulator's state (no HTTP), quietly (no business-rule posts).
 */
export interface SeedOptions {
  seed?: number;
  changes?: number;
  /** Default: changes / 10, at least 8. */
  users?: number;
  /** Default: changes / 5. */
  incidents?: number;
  /** Latest `sys_updated_on`; records spread over the 30 days before it. */
  now?: Date;
}

export interface SeedResult {
  users: string[];
  changes: string[];
  approvals: string[];
  incidents: string[];
}

const FIRST = [
  'Ada',
  'Grace',
  'Linus',
  'Margaret',
  'Ken',
  'Barbara',
  'Dennis',
  'Frances',
  'Tim',
  'Radia',
  'Edsger',
  'Donald',
];
const LAST = [
  'Lovelace',
  'Hopper',
  'Torvalds',
  'Hamilton',
  'Thompson',
  'Liskov',
  'Ritchie',
  'Allen',
  'Berners-Lee',
  'Perlman',
  'Dijkstra',
  'Knuth',
];
const SERVICES = [
  'payments-api',
  'checkout-web',
  'identity',
  'search',
  'ledger',
  'notifications',
  'data-warehouse',
  'edge-proxy',
];
const ACTIONS = [
  'Upgrade',
  'Patch',
  'Migrate',
  'Reconfigure',
  'Scale out',
  'Rotate certificates of',
  'Roll back',
  'Decommission node of',
];
// Weighted: most changes are normal, few emergencies.
const TYPES = ['normal', 'normal', 'normal', 'standard', 'standard', 'emergency'];
const STATES = ['-5', '-4', '-3', '-3', '-2', '-1', '-1', '0', '3', '3', '3', '4'];

export function seedServiceNow(state: SimState, options: SeedOptions = {}): SeedResult {
  const rand = seededRandom(options.seed ?? 42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const hex = (): string =>
    Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16)).join('');
  const nChanges = options.changes ?? 50;
  const nUsers = options.users ?? Math.max(8, Math.floor(nChanges / 10));
  const nIncidents = options.incidents ?? Math.floor(nChanges / 5);
  const end = (options.now ?? new Date('2026-03-01T12:00:00Z')).getTime();
  const span = 30 * 86_400_000;
  const at = (): Date => new Date(end - Math.floor(rand() * span));
  const result: SeedResult = { users: [], changes: [], approvals: [], incidents: [] };

  for (let i = 0; i < nUsers; i++) {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
    const suffix = i >= FIRST.length ? String(Math.floor(i / FIRST.length)) : '';
    const userName = `${first}.${last}${suffix}`.toLowerCase().replace(/[^a-z0-9.]/g, '');
    const row = state.insert(
      'sys_user',
      {
        user_name: userName,
        first_name: first,
        last_name: last,
        name: `${first} ${last}${suffix ? ` ${suffix}` : ''}`,
        email: `${userName}@example.com`,
        title: pick(['Engineer', 'SRE', 'Change Manager', 'CAB member']),
      },
      { sysId: hex(), at: new Date(end - span - 86_400_000), silent: true },
    );
    result.users.push(row.sys_id!);
  }

  for (let i = 0; i < nChanges; i++) {
    const type = pick(TYPES);
    const state_ = type === 'standard' ? pick(['-2', '-1', '0', '3', '3']) : pick(STATES);
    const service = pick(SERVICES);
    const updated = at();
    const start = new Date(updated.getTime() + Math.floor((rand() - 0.3) * 7 * 86_400_000));
    const closed = state_ === '3';
    const approved =
      ['-2', '-1', '0', '3'].includes(state_) || (type === 'standard' && state_ !== '4');
    const requestedBy = pick(result.users);
    const row = state.insert(
      'change_request',
      {
        short_description: `${pick(ACTIONS)} ${service}`,
        description: `Planned work on ${service}.`,
        type,
        state: state_,
        risk: pick(['1', '2', '3', '3', '4', '4']),
        impact: pick(['1', '2', '3', '3']),
        approval:
          type === 'standard'
            ? 'approved'
            : approved
              ? 'approved'
              : state_ === '-3'
                ? 'requested'
                : state_ === '4'
                  ? 'rejected'
                  : 'not requested',
        requested_by: requestedBy,
        assigned_to: pick(result.users),
        start_date: formatSnTime(start),
        end_date: formatSnTime(new Date(start.getTime() + 2 * 3_600_000)),
        justification: rand() < 0.85 ? `Keeps ${service} supported and secure.` : '',
        implementation_plan:
          rand() < 0.9 ? `1. Drain ${service}\n2. Deploy\n3. Verify dashboards` : '',
        backout_plan: rand() < 0.8 ? 'Redeploy the previous release.' : '',
        test_plan: rand() < 0.8 ? 'Smoke tests and synthetic checks.' : '',
        risk_impact_analysis: rand() < 0.6 ? `Brief degradation of ${service} possible.` : '',
        cab_required: type === 'normal' && rand() < 0.4 ? 'true' : 'false',
        close_code: closed
          ? pick(['successful', 'successful', 'successful_issues', 'unsuccessful'])
          : '',
        close_notes: closed ? 'Completed; monitoring green.' : '',
      },
      { sysId: hex(), at: updated, silent: true },
    );
    result.changes.push(row.sys_id!);
    if (type !== 'standard' && state_ !== '-5' && state_ !== '-4') {
      const approvers = type === 'emergency' ? 1 : 1 + Math.floor(rand() * 2);
      for (let k = 0; k < approvers; k++) {
        const decision = state_ === '-3' ? 'requested' : state_ === '4' ? 'rejected' : 'approved';
        const a = state.insert(
          'sysapproval_approver',
          {
            approver: pick(result.users),
            state: decision,
            sysapproval: row.sys_id,
            document_id: row.sys_id,
            source_table: 'change_request',
            due_date: formatSnTime(start),
            order: String(k + 1),
          },
          { sysId: hex(), at: updated, silent: true },
        );
        result.approvals.push(a.sys_id!);
      }
    }
  }

  for (let i = 0; i < nIncidents; i++) {
    const opened = at();
    const state_ = pick(['1', '2', '3', '6', '7', '7']);
    const caused = rand() < 0.3 && result.changes.length ? pick(result.changes) : '';
    const row = state.insert(
      'incident',
      {
        short_description: `${pick(SERVICES)} ${pick(['errors elevated', 'latency high', 'unavailable', 'degraded'])}`,
        state: state_,
        incident_state: state_,
        priority: pick(['1', '2', '3', '3', '4', '5']),
        caller_id: pick(result.users),
        caused_by: caused,
        opened_at: formatSnTime(opened),
        resolved_at: ['6', '7'].includes(state_)
          ? formatSnTime(new Date(opened.getTime() + 3_600_000))
          : '',
      },
      { sysId: hex(), at: opened, silent: true },
    );
    result.incidents.push(row.sys_id!);
  }
  return result;
}
