/** `policy list` (DESIGN §6, §9): the configured rule sets and their rules. */
import type { RuleSets } from '../../policy/index.js';

export interface ListedRule {
  id: string;
  enabled: boolean;
  severity: string;
  blocking: boolean;
  version: string;
  description: string;
  params: unknown;
}

export interface ListedRuleSet {
  /** The set's name: `default` or a tenant's. */
  name: string;
  version: string;
  rules: ListedRule[];
}

/** Every configured rule set (`default` first), each rule with its resolved parameters. */
export function listRuleSets(ruleSets: RuleSets, names: readonly string[]): ListedRuleSet[] {
  const all = ['default', ...names.filter((n) => n !== 'default').sort()];
  return all.map((name) => {
    const set = ruleSets.forTenant(name);
    return {
      name,
      version: set.version,
      rules: set.rules.map((r) => ({
        id: r.rule.id,
        enabled: r.enabled,
        severity: r.severity,
        blocking: r.blocking,
        version: r.rule.version,
        description: r.rule.description,
        params: r.params,
      })),
    };
  });
}
