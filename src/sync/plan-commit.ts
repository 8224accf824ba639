import type { ApplyContext } from './context.js';
import { EMPTY_POLICY_SET, type PolicyHook } from './policy-hook.js';
import { changeById, linksOfChange } from './tx-cache.js';
import { planChange } from './planner.js';

/**
 * After a transaction's records are applied: run the policy hook and the planner for every
 * change they touched, and enqueue the planned commands in the same transaction, so a
 * crash can never leave an applied change without its write-backs (DESIGN §2).
 */
export async function planTouched(ctx: ApplyContext, policy: PolicyHook): Promise<number> {
  const { store, m, now } = ctx;
  let enqueued = 0;
  for (const changeId of [...ctx.touched].sort()) {
    const change = await changeById(ctx, changeId);
    if (!change) continue;
    const links = await linksOfChange(ctx, changeId);
    if (policy !== EMPTY_POLICY_SET) {
      const approvals = await store.approvals.find({ changeId }, m);
      ctx.findings.push(...policy.evaluate({ change, links, approvals, now }));
    }
    const commands = planChange({
      change,
      links,
      mappingFor: (l) => ctx.mappings.get(l.system, l.kind, change.tenant),
      settings: ctx.settings,
      createFrom: ctx.createFrom.get(changeId) ?? null,
    });
    for (const { supersedes, ...cmd } of commands) {
      if (!(await store.syncRows.enqueue(m, cmd, now))) continue;
      enqueued += 1;
      if (supersedes)
        await store.outbox.supersede(changeId, supersedes, cmd.idempotencyKey, now, m);
      ctx.logger.debug('sync.planned', {
        change: change.key,
        operation: cmd.operation,
        target: cmd.target,
        idempotencyKey: cmd.idempotencyKey,
      });
    }
  }
  for (const finding of ctx.findings) await store.findings.upsert(finding, m);
  return enqueued;
}
