import type { AuditLog } from '../audit/index.js';
import type { MappingSet } from '../mapping/index.js';
import type { SourceEvent } from '../model/index.js';
import type { Clock, Logger } from '../runtime/index.js';
import type { Store } from '../store/index.js';
import type { ApplyOutcome } from './apply-change.js';
import { applyEvent } from './apply-event.js';
import type { ApplyContext, SyncSettings } from './context.js';
import { planTouched } from './plan-commit.js';
import type { PolicyHook } from './policy-hook.js';

export interface ApplyDeps {
  store: Store;
  audit: AuditLog;
  mappings: MappingSet;
  settings: SyncSettings;
  policy: PolicyHook;
  clock: Clock;
  logger: Logger;
}

export interface BatchItem {
  event: SourceEvent;
  /** Inbox row to complete in the same transaction; absent for backfill pages. */
  inboxId?: number;
}

export type ItemResult = ApplyOutcome | { outcome: 'failed'; error: unknown };

/**
 * Applies events in ONE transaction: canonical rows, links, audit entries, findings,
 * planned outbox commands and the inbox rows' completion commit together or not at all.
 * When any event fails the whole transaction rolls back and each event is retried in a
 * transaction of its own, so one bad event is isolated and never blocks the others.
 */
export async function applyBatch(
  deps: ApplyDeps,
  items: readonly BatchItem[],
  extra?: (ctx: ApplyContext) => Promise<void>,
): Promise<ItemResult[]> {
  if (items.length === 0) return [];
  if (items.length > 1) {
    try {
      return await applyTogether(deps, items, extra);
    } catch {
      // fall through: find the culprit one event at a time
    }
  }
  const results: ItemResult[] = [];
  for (const item of items) {
    try {
      results.push(...(await applyTogether(deps, [item], extra)));
    } catch (error) {
      results.push({ outcome: 'failed', error });
    }
  }
  return results;
}

async function applyTogether(
  deps: ApplyDeps,
  items: readonly BatchItem[],
  extra?: (ctx: ApplyContext) => Promise<void>,
): Promise<ItemResult[]> {
  const { store } = deps;
  return store.db.transaction(async (m) => {
    const now = deps.clock.now();
    const ctx: ApplyContext = {
      m,
      store,
      mappings: deps.mappings,
      settings: deps.settings,
      logger: deps.logger,
      now,
      audit: [],
      touched: new Set(),
      createFrom: new Map(),
      findings: [],
      people: new Map(),
    };
    const results: ItemResult[] = [];
    for (const item of items) {
      const outcome = await applyEvent(ctx, item.event);
      results.push(outcome);
      if (item.inboxId !== undefined) {
        await store.inbox.complete(
          item.inboxId,
          outcome.outcome === 'applied' ? 'done' : 'ignored',
          now,
          outcome.outcome === 'ignored' ? outcome.reason : undefined,
          m,
        );
      }
    }
    await planTouched(ctx, deps.policy);
    if (extra) await extra(ctx);
    await deps.audit.append(ctx.audit, now, m);
    return results;
  });
}
