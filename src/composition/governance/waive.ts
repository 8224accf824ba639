/** `waive` (DESIGN §6, §9): the waiver transaction. Parsing `--until` is in when.ts. */
import type { AuditLog } from '../../audit/index.js';
import type { Finding, Waiver } from '../../model/index.js';
import { ChangebridgeError, type Clock } from '../../runtime/index.js';
import type { Store } from '../../store/index.js';

export interface WaiveRequest {
  findingId: string;
  by: string;
  reason: string;
  until: Date;
}

export interface Waived {
  finding: Finding;
  /** The change's key (the audit subject), or the finding's subject when it has no change. */
  subject: string;
}

/**
 * Waives a finding in one transaction: status `waived`, the waiver, and the audit event
 * `finding.waived`. The caller re-plans the change afterwards (write-backs drop it).
 */
export async function waiveFinding(
  deps: { store: Store; audit: AuditLog; clock: Clock },
  request: WaiveRequest,
): Promise<Waived> {
  const { store, audit } = deps;
  return store.db.transaction(async (m) => {
    const now = deps.clock.now();
    const stored = await store.findings.get(request.findingId, m);
    if (!stored) {
      throw new ChangebridgeError('waive', `finding "${request.findingId}" does not exist`, {
        hint: 'copy the id from `changebridge findings list` (add --status all to see every finding)',
      });
    }
    if (stored.status === 'resolved') {
      throw new ChangebridgeError(
        'waive',
        `finding "${stored.id}" is resolved (since ${stored.resolvedAt?.toISOString() ?? 'unknown'}): there is nothing to waive`,
        {
          hint: 'a waiver accepts a finding that is still raised; if it comes back it opens again and can be waived then',
        },
      );
    }
    if (request.until.getTime() <= now.getTime()) {
      throw new ChangebridgeError(
        'waive',
        `--until ${request.until.toISOString()} is not in the future`,
        { exitCode: 64, hint: 'pass a later date or a duration such as 7d' },
      );
    }
    const waiver: Waiver = { by: request.by, reason: request.reason, until: request.until };
    const finding: Finding = { ...stored, status: 'waived', waiver };
    await store.findings.upsert(finding, m);
    const change = stored.changeId ? await store.changes.findById(stored.changeId, m) : null;
    const subject = change?.key ?? stored.subject;
    await audit.append(
      [
        {
          actor: request.by,
          action: 'finding.waived',
          subject,
          data: {
            finding: stored.id,
            policy: stored.policy,
            reason: request.reason,
            until: request.until.toISOString(),
          },
        },
      ],
      now,
      m,
    );
    return { finding, subject };
  });
}
