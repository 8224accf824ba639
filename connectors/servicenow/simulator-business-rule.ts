import type { TableName } from './schema.js';
import type { RecordChange } from './simulator-state.js';

/**
 * The simulator's outbound "business rule": on every insert or update it posts
 * `{table, sys_id, sys_updated_on, operation}` to a URL with a shared-secret header, as an
 * instance's REST message in an after-business-rule would. Deletes and journal entries
 * are not sent (the rule runs on the record tables only).
 */

export interface BusinessRuleTarget {
  url: string;
  header?: string;
  secret: string;
  tables?: TableName[];
}

export class BusinessRuleSender {
  target: BusinessRuleTarget | undefined;
  readonly counts = { posts: 0, failures: 0 };
  private readonly pending = new Set<Promise<void>>();

  constructor(target: BusinessRuleTarget | undefined) {
    this.target = target;
  }

  fire(change: RecordChange): void {
    const target = this.target;
    if (!target || change.operation === 'delete') return;
    if (target.tables && !target.tables.includes(change.table)) return;
    if (change.table === 'sys_journal_field') return;
    const body = JSON.stringify({
      table: change.table,
      sys_id: change.row.sys_id,
      sys_updated_on: change.row.sys_updated_on,
      operation: change.operation,
    });
    const p = fetch(target.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        [target.header ?? 'X-Changebridge-Secret']: target.secret,
      },
      body,
    })
      .then(async (r) => {
        await r.arrayBuffer();
        if (r.ok) this.counts.posts += 1;
        else this.counts.failures += 1;
      })
      .catch(() => {
        this.counts.failures += 1;
      })
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Resolves once every post sent so far has finished. */
  async flush(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }
}
