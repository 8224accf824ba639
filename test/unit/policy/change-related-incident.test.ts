import type { Change, Deployment, Incident } from '../../../src/model/index.js';
import { changeRelatedIncident } from '../../../src/policy/rules/change-related-incident.js';
import { aChange, aContext, aDeployment, anIncident, at, hours, plus, T0 } from './builders.js';

const defaults = changeRelatedIncident.params.parse({});

function run(
  change: Partial<Change>,
  incidents: Incident[],
  deployments: Deployment[] = [aDeployment()],
  params = defaults,
) {
  return changeRelatedIncident.check(
    aChange(change),
    aContext({ incidents, deployments }),
    params,
    T0,
  );
}

// The builder's deployment started 2026-11-03 10:00 and finished 10:05 UTC.
const FINISHED = at('2026-11-03T10:05:00Z');
const opened = (openedAt: Date, o: Partial<Incident> = {}) => anIncident({ openedAt, ...o });

describe('change-related-incident', () => {
  it.each([
    [
      '30 min after the deployment finished',
      [opened(plus(FINISHED, hours(0.5)))],
      {},
      [aDeployment()],
      1,
    ],
    ['exactly when it finished', [opened(FINISHED)], {}, [aDeployment()], 1],
    ['exactly 24 h after', [opened(plus(FINISHED, hours(24)))], {}, [aDeployment()], 1],
    ['24 h and 1 s after', [opened(plus(FINISHED, hours(24) + 1000))], {}, [aDeployment()], 0],
    ['1 s before it finished', [opened(plus(FINISHED, -1000))], {}, [aDeployment()], 0],
    [
      'already linked to the change',
      [opened(FINISHED, { causedBy: 'CHG0030001' })],
      {},
      [aDeployment()],
      0,
    ],
    [
      'on an unrelated service',
      [opened(FINISHED, { services: ['search'] })],
      {},
      [aDeployment()],
      0,
    ],
    [
      'on one of several services',
      [opened(FINISHED, { services: ['search', 'ledger'] })],
      { services: ['payments-api', 'ledger'] },
      [aDeployment()],
      1,
    ],
    ['change with no services', [opened(FINISHED)], { services: [] }, [aDeployment()], 0],
    ['no deployment', [opened(FINISHED)], {}, [], 0],
    [
      'only a staging deployment',
      [opened(FINISHED)],
      {},
      [aDeployment({ environment: 'staging' })],
      0,
    ],
    [
      'a deployment that never ran',
      [opened(FINISHED)],
      {},
      [aDeployment({ status: 'pending', startedAt: null, finishedAt: null })],
      0,
    ],
    [
      'a still-running deployment counts from its start',
      [opened(at('2026-11-03T10:01:00Z'))],
      {},
      [aDeployment({ status: 'in_progress', finishedAt: null })],
      1,
    ],
    [
      'two incidents, one per finding',
      [opened(FINISHED), opened(FINISHED, { id: 'inc-2', key: 'INC0010002' })],
      {},
      [aDeployment()],
      2,
    ],
  ])('%s → %i findings', (_name, incidents, change, deployments, count) => {
    expect(run(change, incidents, deployments)).toHaveLength(count);
  });

  it('tells to link the incident, with the evidence', () => {
    const [f] = run({}, [opened(at('2026-11-03T11:10:00Z'), { priority: 1 })]);
    expect(f).toEqual({
      discriminator: 'servicenow:incident:sn:inc-1',
      message:
        "Incident INC0010001 on payments-api opened 1 hour 5 minutes after CHG0030001 was deployed to production and is not linked to it; set the incident's caused-by field to CHG0030001, or record why it is unrelated.",
      evidence: {
        change: 'CHG0030001',
        incident: 'INC0010001',
        incidentId: 'servicenow:incident:sn:inc-1',
        priority: 1,
        services: ['payments-api'],
        openedAt: '2026-11-03T11:10:00.000Z',
        causedBy: null,
        deployment: 'github:deployment:gh:acme/payments/1001',
        deploymentAt: '2026-11-03T10:05:00.000Z',
        deploymentTime: 'finishedAt',
        minutesAfter: 65,
        windowHours: 24,
      },
    });
  });

  it('asks to confirm an incident attributed to another change', () => {
    const [f] = run({}, [opened(plus(FINISHED, hours(0.5)), { causedBy: 'CHG0029999' })]);
    expect(f?.message).toBe(
      "Incident INC0010001 on payments-api opened 30 minutes after CHG0030001 was deployed to production and is attributed to CHG0029999; confirm which change caused it and correct the incident's caused-by field.",
    );
  });

  it('cites the latest deployment before the incident', () => {
    const deployments = [
      aDeployment({ id: 'd1', finishedAt: at('2026-11-03T10:05:00Z') }),
      aDeployment({ id: 'd2', finishedAt: at('2026-11-03T14:00:00Z') }),
      aDeployment({ id: 'd3', finishedAt: at('2026-11-03T18:00:00Z') }),
    ];
    const [f] = run({}, [opened(at('2026-11-03T15:00:00Z'))], deployments);
    expect([f?.evidence.deployment, f?.evidence.minutesAfter]).toEqual(['d2', 60]);
  });

  it('takes the window from its parameters', () => {
    const params = changeRelatedIncident.params.parse({ windowHours: 2 });
    expect(run({}, [opened(plus(FINISHED, hours(2)))], [aDeployment()], params)).toHaveLength(1);
    expect(run({}, [opened(plus(FINISHED, hours(3)))], [aDeployment()], params)).toEqual([]);
    expect(defaults).toEqual({ windowHours: 24 });
    expect(() => changeRelatedIncident.params.parse({ windowHours: 0 })).toThrow();
  });
});
