import type { Config } from '../config/index.js';
import { compileCalendar, RuleSets, type FreezeCalendar } from '../policy/index.js';
import { createGovernance, type GovernanceSettings, type PolicyHook } from '../sync/index.js';
import { IdentityDirectory } from '../sync/identity-directory.js';

/** The governance wiring (DESIGN §6) from `policies:`: rule sets, org facts, identities. */
export function governanceSettings(config: Pick<Config, 'policies'>): GovernanceSettings {
  const p = config.policies;
  const calendars = new Map<string, FreezeCalendar>();
  for (const [name, calendar] of Object.entries(p.calendars))
    calendars.set(name, compileCalendar(name, calendar));
  return {
    ruleSets: new RuleSets(p.sets),
    org: {
      productionEnvironments: p.productionEnvironments,
      protectedBranches: p.protectedBranches,
      calendars,
    },
    identities: new IdentityDirectory(p.identities),
  };
}

export function governanceFromConfig(config: Pick<Config, 'policies'>): PolicyHook {
  return createGovernance(governanceSettings(config));
}
