import type { z } from 'zod';
import type {
  Approval,
  Change,
  ChangeState,
  ChangeType,
  CloseCode,
  CodeChange,
  Deployment,
  Incident,
  Link,
  Person,
  Severity,
} from '../model/index.js';
import type { FreezeCalendar } from './calendar.js';

/**
 * What a rule may look at besides the change itself (DESIGN §6). Assembled by the sync
 * (or `explain`, or the gate) from the store; rules never do I/O.
 */
export interface PolicyContext {
  links: readonly Link[];
  /** Every approval record of the change, whatever its decision. */
  approvals: readonly Approval[];
  /** Pull/merge requests linked to the change. */
  codeChanges: readonly CodeChange[];
  /** Deployments linked to the change (including a candidate the gate is asked about). */
  deployments: readonly Deployment[];
  /**
   * Incidents that matter to the change: caused by it (`causedBy` = change key), on one of
   * its services, or open major incidents anywhere. Rules filter further.
   */
  incidents: readonly Incident[];
  /** Person id → Person, for everyone the change's records name. Unknown ids may be absent. */
  people: ReadonlyMap<string, Person>;
  /** Other changes of the same tenant, newest first, for counts and history (bounded). */
  history: readonly ChangeSummary[];
  /** Organisation facts from configuration. */
  org: OrgFacts;
}

/** Enough of another change for history-based rules (emergency counts, past failures). */
export interface ChangeSummary {
  id: string;
  key: string;
  type: ChangeType;
  state: ChangeState;
  services: readonly string[];
  tenant: string;
  closeCode: CloseCode | null;
  plannedStart: Date | null;
  closedAt: Date | null;
  /** When the change was first seen (for "per month" counts when no planned start). */
  createdAt: Date;
  /** True when an incident names this change as its cause. */
  causedIncident: boolean;
}

export interface OrgFacts {
  /** Environment names that count as production (case-insensitive). */
  productionEnvironments: readonly string[];
  /** Branch patterns that are protected (`*` matches within a segment, `**` anything). */
  protectedBranches: readonly string[];
  /** Freeze calendars by name. */
  calendars: ReadonlyMap<string, FreezeCalendar>;
}

/** What a rule returns; the engine turns it into a Finding with id, status and versions. */
export interface RuleFinding {
  /**
   * Distinguishes several findings of one rule on one change (e.g. one per deployment):
   * part of the finding id, so it must be stable across evaluations.
   */
  discriminator?: string;
  /** One plain sentence a Jira user understands. */
  message: string;
  /** Record refs, values and timestamps that triggered it (JSON-safe: dates as ISO). */
  evidence: Record<string, unknown>;
  /** Overrides the configured severity (e.g. higher for very high risk). */
  severity?: Severity;
  /** Overrides the configured blocking flag. */
  blocking?: boolean;
}

/**
 * One rule of the catalogue (DESIGN §6): one file, pure. `params` is validated by the
 * rule's own zod schema (defaults filled in), so configuration errors name the rule.
 */
export interface Rule<P = Record<string, unknown>> {
  id: string;
  /** Bumped whenever the rule's logic changes; recorded with every finding. */
  version: string;
  /** One line for docs and `policy` listings. */
  description: string;
  defaultSeverity: Severity;
  defaultBlocking: boolean;
  params: z.ZodType<P>;
  check(change: Change, context: PolicyContext, params: P, now: Date): RuleFinding[];
}

/** A rule with its configured parameters, severity and switch. */
export interface ConfiguredRule {
  rule: Rule<unknown>;
  enabled: boolean;
  severity: Severity;
  blocking: boolean;
  params: unknown;
}

/** A tenant's rule set. */
export interface RuleSet {
  name: string;
  version: string;
  rules: readonly ConfiguredRule[];
}

/** Define a rule with its parameter type inferred from its schema. */
export function defineRule<S extends z.ZodType>(
  rule: Omit<Rule<z.output<S>>, 'params'> & { params: S },
): Rule<z.output<S>> {
  return rule as unknown as Rule<z.output<S>>;
}
