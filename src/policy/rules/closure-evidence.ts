import { z } from 'zod';
import { CHANGE_TYPES, isProductionEnvironment } from '../../model/index.js';
import { defineRule, type RuleFinding } from '../types.js';

/**
 * `closure-evidence` (DESIGN §6): a closed change says how it ended and, when it claims
 * success, shows it was implemented. Two independent findings:
 * - `close-code`: the change is closed without a close code;
 * - `deployment`: it is closed `successful` / `successful_issues` but no production
 *   deployment of it succeeded. Skipped when `requireDeployment` is off, for `exemptTypes`
 *   (a standard change is often done by hand, without a pipeline), and for `unsuccessful`
 *   or missing close codes (nothing was claimed, the close-code finding covers the gap).
 * Only closed changes are checked; canceled ones implemented nothing.
 */
const params = z.strictObject({
  requireDeployment: z.boolean().default(true),
  exemptTypes: z.array(z.enum(CHANGE_TYPES)).default(['standard']),
});

export const closureEvidence = defineRule({
  id: 'closure-evidence',
  version: '1',
  description:
    'A closed change has a close code and, when successful, a successful production deployment.',
  defaultSeverity: 'low',
  defaultBlocking: false,
  params,
  check(change, context, p) {
    if (change.state !== 'closed') return [];
    const closedAt = change.closedAt?.toISOString() ?? null;
    const findings: RuleFinding[] = [];
    if (change.closeCode === null) {
      findings.push({
        discriminator: 'close-code',
        message: `Change ${change.key} is closed without a close code; set it to successful, successful with issues or unsuccessful on the change request.`,
        evidence: { change: change.key, state: change.state, closedAt, closeCode: null },
      });
    }
    const claimsSuccess =
      change.closeCode === 'successful' || change.closeCode === 'successful_issues';
    if (claimsSuccess && p.requireDeployment && !p.exemptTypes.includes(change.type)) {
      const production = context.deployments.filter((d) =>
        isProductionEnvironment(d.environment, context.org.productionEnvironments),
      );
      if (!production.some((d) => d.status === 'success')) {
        findings.push({
          discriminator: 'deployment',
          message: `Change ${change.key} is closed as ${change.closeCode === 'successful' ? 'successful' : 'successful with issues'} but has no successful production deployment linked; link the deployment that implemented it, or correct the close code.`,
          evidence: {
            change: change.key,
            type: change.type,
            closedAt,
            closeCode: change.closeCode,
            productionDeployments: production.map((d) => ({ id: d.id, status: d.status })),
          },
        });
      }
    }
    return findings;
  },
});
