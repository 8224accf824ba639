import type { Change, Deployment } from '../../../src/model/index.js';
import { closureEvidence } from '../../../src/policy/rules/closure-evidence.js';
import { aChange, aContext, aDeployment, at, T0 } from './builders.js';

const defaults = closureEvidence.params.parse({});

const closed = (o: Partial<Change> = {}): Partial<Change> => ({
  state: 'closed',
  closedAt: at('2026-11-03T12:00:00Z'),
  closeCode: 'successful',
  ...o,
});

function run(
  change: Partial<Change>,
  deployments: Deployment[] = [aDeployment()],
  params = defaults,
) {
  return closureEvidence.check(aChange(change), aContext({ deployments }), params, T0);
}

describe('closure-evidence', () => {
  it.each([
    ['closed successful with a successful production deployment', closed(), [aDeployment()], []],
    [
      'closed successful with issues and a deployment',
      closed({ closeCode: 'successful_issues' }),
      [aDeployment()],
      [],
    ],
    ['closed without a close code', closed({ closeCode: null }), [aDeployment()], ['close-code']],
    ['closed without close code or deployment', closed({ closeCode: null }), [], ['close-code']],
    ['closed successful without any deployment', closed(), [], ['deployment']],
    [
      'closed successful, only a failed production deployment',
      closed(),
      [aDeployment({ status: 'failure' })],
      ['deployment'],
    ],
    [
      'closed successful, only a staging deployment',
      closed(),
      [aDeployment({ environment: 'staging' })],
      ['deployment'],
    ],
    ['closed successful, deployment to PROD', closed(), [aDeployment({ environment: 'PROD' })], []],
    [
      'closed successful, one failed then one successful',
      closed(),
      [aDeployment({ id: 'd1', status: 'failure' }), aDeployment({ id: 'd2' })],
      [],
    ],
    ['closed unsuccessful without deployment', closed({ closeCode: 'unsuccessful' }), [], []],
    ['a standard change needs no deployment', closed({ type: 'standard' }), [], []],
    ['an emergency change does', closed({ type: 'emergency' }), [], ['deployment']],
    [
      'closed with no closing time',
      closed({ closedAt: null, closeCode: null }),
      [],
      ['close-code'],
    ],
    ['not closed yet', { state: 'review' as const, closeCode: null }, [], []],
    ['canceled', { state: 'canceled' as const, closeCode: null }, [], []],
  ])('%s', (_name, change, deployments, discriminators) => {
    expect(run(change, deployments).map((f) => f.discriminator)).toEqual(discriminators);
  });

  it('explains a missing close code', () => {
    expect(run(closed({ closeCode: null }))).toEqual([
      {
        discriminator: 'close-code',
        message:
          'Change CHG0030001 is closed without a close code; set it to successful, successful with issues or unsuccessful on the change request.',
        evidence: {
          change: 'CHG0030001',
          state: 'closed',
          closedAt: '2026-11-03T12:00:00.000Z',
          closeCode: null,
        },
      },
    ]);
  });

  it('explains a missing deployment and lists the ones it saw', () => {
    const deployments = [
      aDeployment({ status: 'failure' }),
      aDeployment({ id: 'stg', environment: 'staging' }),
    ];
    expect(run(closed({ closeCode: 'successful_issues' }), deployments)).toEqual([
      {
        discriminator: 'deployment',
        message:
          'Change CHG0030001 is closed as successful with issues but has no successful production deployment linked; link the deployment that implemented it, or correct the close code.',
        evidence: {
          change: 'CHG0030001',
          type: 'normal',
          closedAt: '2026-11-03T12:00:00.000Z',
          closeCode: 'successful_issues',
          productionDeployments: [
            { id: 'github:deployment:gh:acme/payments/1001', status: 'failure' },
          ],
        },
      },
    ]);
  });

  it.each([
    [{ requireDeployment: false }, closed(), []],
    [{ exemptTypes: [] }, closed({ type: 'standard' }), ['deployment']],
    [{ exemptTypes: ['standard', 'normal'] }, closed(), []],
  ])('takes %j from its parameters', (raw, change, discriminators) => {
    const params = closureEvidence.params.parse(raw);
    expect(run(change, [], params).map((f) => f.discriminator)).toEqual(discriminators);
  });

  it('has sensible defaults and rejects an unknown type', () => {
    expect(defaults).toEqual({ requireDeployment: true, exemptTypes: ['standard'] });
    expect(() => closureEvidence.params.parse({ exemptTypes: ['minor'] })).toThrow();
  });
});
