import type { Severity } from '../model/index.js';
import { CATALOGUE } from './catalogue.js';
import type { ConfiguredRule, RuleSet } from './types.js';

/** A rule set as configuration states it (already validated, params still raw). */
export interface RuleSetInput {
  version: string;
  rules: Readonly<
    Record<string, { enabled: boolean; severity?: Severity; blocking?: boolean; params: unknown }>
  >;
}

/**
 * The tenant's rule set: every catalogue rule, on by default with its default parameters,
 * overridden by configuration. Parameters are parsed by each rule's own schema (the config
 * schema has already reported any that fail).
 */
export function buildRuleSet(name: string, input: RuleSetInput | undefined): RuleSet {
  const rules: ConfiguredRule[] = CATALOGUE.map((rule) => {
    const conf = input?.rules[rule.id];
    return {
      rule,
      enabled: conf?.enabled ?? true,
      severity: conf?.severity ?? rule.defaultSeverity,
      blocking: conf?.blocking ?? rule.defaultBlocking,
      params: rule.params.parse(conf?.params ?? {}),
    };
  });
  return { name, version: input?.version ?? 'default', rules };
}

/** Rule sets by tenant; a tenant without its own set uses `default`. */
export class RuleSets {
  private readonly sets = new Map<string, RuleSet>();
  constructor(private readonly inputs: Readonly<Record<string, RuleSetInput>>) {}

  forTenant(tenant: string): RuleSet {
    // Own keys only: a tenant read from source data may be called `constructor`.
    const name = Object.hasOwn(this.inputs, tenant) ? tenant : 'default';
    let set = this.sets.get(name);
    if (!set) {
      set = buildRuleSet(name, Object.hasOwn(this.inputs, name) ? this.inputs[name] : undefined);
      this.sets.set(name, set);
    }
    return set;
  }
}
