import { In, type EntityManager } from 'typeorm';
import { isWaived, type Change, type Deployment, type Finding } from '../model/index.js';
import type { Store } from '../store/index.js';
import {
  activeFindings,
  diffFindings,
  evaluate,
  MANAGED_POLICIES,
  type OrgFacts,
  type RuleSets,
} from '../policy/index.js';
import type { ApplyContext } from './context.js';
import type { IdentityDirectory } from './identity-directory.js';
import { loadContexts, type HistoryCache, type LoadedContext } from './policy-context.js';
import { linksOfChange } from './tx-cache.js';

/**
 * Where the policy engine plugs into processing (DESIGN §2, §6): after a transaction's
 * records are applied and before the planner runs, every touched change is evaluated,
 * its findings diffed against the stored open set (each transition audited) and the
 * active findings handed to the planner for write-back.
 */
export interface Governed {
  /** Open (and expired-waiver) findings of every policy, for write-back. */
  active: Finding[];
  /** The context the rules saw (the planner reads pull requests from it). */
  loaded: LoadedContext;
}

export interface PolicyHook {
  readonly version: string;
  govern(ctx: ApplyContext, changes: readonly Change[]): Promise<Map<string, Governed>>;
  /**
   * Evaluates without storing anything (gates, `explain`, replay): the findings the rules
   * raise now, optionally with a deployment that is about to happen, each marked waived
   * when a stored finding with the same id carries a waiver still in force.
   */
  assess(
    src: AssessSources,
    changes: readonly Change[],
    candidate?: (change: Change) => Deployment,
  ): Promise<Map<string, Finding[]>>;
}

export interface AssessSources {
  store: Store;
  m: EntityManager;
  now: Date;
}

export const EMPTY_POLICY_SET: PolicyHook = {
  version: 'empty',
  govern: async () => new Map(),
  assess: async () => new Map(),
};

export interface GovernanceSettings {
  ruleSets: RuleSets;
  org: OrgFacts;
  identities: IdentityDirectory;
}

export function createGovernance(settings: GovernanceSettings): PolicyHook {
  const historyCache: HistoryCache = new Map();
  return {
    version: 'catalogue',
    async govern(ctx, changes) {
      const out = new Map<string, Governed>();
      if (changes.length === 0) return out;
      const { store, m, now } = ctx;
      const links = new Map<string, Awaited<ReturnType<typeof linksOfChange>>>();
      for (const c of changes) links.set(c.id, await linksOfChange(ctx, c.id));
      const contexts = await loadContexts(
        { store, m, now, org: settings.org, identities: settings.identities, historyCache },
        changes,
        (id) => links.get(id) ?? [],
      );
      const stored = await store.findings.find({ changeId: In(changes.map((c) => c.id)) }, m);
      for (const change of changes) {
        const loaded = contexts.get(change.id)!;
        const set = settings.ruleSets.forTenant(change.tenant);
        const fresh = evaluate(set, loaded.change, loaded.context, now);
        const mine = stored.filter((f) => f.changeId === change.id);
        const diff = diffFindings(mine, fresh, MANAGED_POLICIES, now);
        for (const f of diff.upserts) await store.findings.upsert(f, m);
        for (const { finding, transition } of diff.transitions) {
          ctx.audit.push({
            actor: 'changebridge',
            action: `finding.${transition}`,
            subject: change.key,
            data: {
              finding: finding.id,
              policy: finding.policy,
              severity: finding.severity,
              blocking: finding.blocking,
              message: finding.message,
              ruleSet: finding.evidence.ruleSet ?? null,
            },
          });
        }
        const after = new Map(mine.map((f) => [f.id, f]));
        for (const f of diff.upserts) after.set(f.id, f);
        out.set(change.id, {
          active: activeFindings([...after.values()], now).sort((a, b) => a.id.localeCompare(b.id)),
          loaded,
        });
      }
      return out;
    },

    async assess(src, changes, candidate) {
      const out = new Map<string, Finding[]>();
      if (changes.length === 0) return out;
      const links = new Map<string, Awaited<ReturnType<Store['links']['findByChange']>>>();
      for (const c of changes) links.set(c.id, await src.store.links.findByChange(c.id, src.m));
      const contexts = await loadContexts(
        { ...src, org: settings.org, identities: settings.identities },
        changes,
        (id) => links.get(id) ?? [],
        candidate ? (c) => [candidate(c)] : undefined,
      );
      const stored = await src.store.findings.find(
        { changeId: In(changes.map((c) => c.id)) },
        src.m,
      );
      const waived = new Map(
        stored.filter((f) => f.status === 'waived' && isWaived(f, src.now)).map((f) => [f.id, f]),
      );
      for (const change of changes) {
        const loaded = contexts.get(change.id)!;
        const set = settings.ruleSets.forTenant(change.tenant);
        out.set(
          change.id,
          evaluate(set, loaded.change, loaded.context, src.now).map((f) => {
            const w = waived.get(f.id);
            return w ? { ...f, status: 'waived' as const, waiver: w.waiver } : f;
          }),
        );
      }
      return out;
    },
  };
}
