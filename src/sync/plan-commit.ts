import type { Change } from '../model/index.js';
import type { OutboxCommand } from '../store/index.js';
import type { ApplyContext } from './context.js';
import type { PolicyHook } from './policy-hook.js';
import { changeById, flush, linksOfChange } from './tx-cache.js';
import { planChange } from './planner.js';
import { planGateAnswers } from './gate-requests.js';

/**
 * After a transaction's records are applied: run the policies and the planner for every
 * change they touched, and enqueue the planned commands in the same transaction, so a
 * crash can never leave an applied change without its findings or write-backs (DESIGN §2).
 */
export async function planTouched(ctx: ApplyContext, policy: PolicyHook): Promise<number> {
  const { store, m, now } = ctx;
  await flush(ctx); // policies read approvals and links from the database
  let enqueued = 0;
  const changes: Change[] = [];
  for (const changeId of [...ctx.touched].sort()) {
    const change = await changeById(ctx, changeId);
    if (change) changes.push(change);
  }
  const governed = await policy.govern(ctx, changes);
  const planned: { change: Change; cmd: OutboxCommand; supersedes: string | null }[] = [];
  for (const change of changes) {
    const links = await linksOfChange(ctx, change.id);
    const g = governed.get(change.id);
    const commands = planChange({
      change,
      links,
      mappingFor: (l) => ctx.mappings.get(l.system, l.kind, change.tenant),
      settings: ctx.settings,
      createFrom: ctx.createFrom.get(change.id) ?? null,
      ...(g ? { findings: g.active, codeChanges: g.loaded.context.codeChanges } : {}),
    });
    for (const { supersedes, ...cmd } of commands) planned.push({ change, cmd, supersedes });
  }
  const inserted = await store.syncRows.enqueueMany(
    m,
    planned.map((p) => p.cmd),
    now,
  );
  const fresh = planned.filter((p) => inserted.delete(p.cmd.idempotencyKey));
  // Inserted all at once, so only the last fresh command of a change's record and aspect
  // supersedes the others (the plan has one per aspect; were there two, this still ends
  // as enqueueing them one after another would).
  const last = new Map<string, OutboxCommand>();
  for (const p of fresh) if (p.supersedes) last.set(`${p.change.id} ${p.supersedes}`, p.cmd);
  for (const { change, cmd, supersedes } of fresh) {
    enqueued += 1;
    if (supersedes && last.get(`${change.id} ${supersedes}`) === cmd)
      await store.outbox.supersede(change.id, supersedes, cmd.idempotencyKey, now, m);
    ctx.logger.debug('sync.planned', {
      change: change.key,
      operation: cmd.operation,
      target: cmd.target,
      idempotencyKey: cmd.idempotencyKey,
    });
  }
  enqueued += await planGateAnswers(ctx, policy, changes);
  for (const finding of ctx.findings) await store.findings.upsert(finding, m);
  return enqueued;
}
