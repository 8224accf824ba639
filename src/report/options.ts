import type { Config } from '../config/index.js';
import type { ReportOrg } from './events.js';

/** Reports read the governance facts the policies use, so both judge events alike. */
export function reportSettings(
  config: Pick<Config, 'policies' | 'tenants'>,
  tenant: string | null,
): { org: ReportOrg; emergencyReviewHours: number } {
  const p = config.policies;
  const setName = tenant !== null && Object.hasOwn(p.sets, tenant) ? tenant : 'default';
  const set = Object.hasOwn(p.sets, setName) ? p.sets[setName] : undefined;
  const hours = set?.rules['emergency-review']?.params.reviewHours;
  return {
    org: {
      productionEnvironments: p.productionEnvironments,
      protectedBranches: p.protectedBranches,
    },
    emergencyReviewHours: typeof hours === 'number' && hours > 0 ? hours : 24,
  };
}
