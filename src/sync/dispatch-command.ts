import type { AuditLog } from '../audit/index.js';
import type { Connector, WriteResult } from '../model/index.js';
import type { Clock, Logger } from '../runtime/index.js';
import { retryLockConflicts, type OutboxCommandRow, type Store } from '../store/index.js';
import { splitPayload } from './dispatch-envelope.js';
import { classifyWriteFailure, NoConnectorError, type FailurePolicy } from './failure-policy.js';

/** What became of one claimed command. `error`: the store failed; the lease brings it back. */
export type DispatchOutcome = 'done' | 'skipped' | 'retried' | 'dead' | 'error';

export interface DispatchResult {
  id: number;
  idempotencyKey: string;
  operation: string;
  targetSystem: string;
  connection: string;
  target: string;
  attempts: number;
  outcome: DispatchOutcome;
  /** Skip reason, failure reason, or the store error. */
  reason?: string;
  retryAt?: Date;
}

export interface CommandDeps {
  store: Pick<Store, 'db' | 'outbox' | 'links'>;
  /** When given, each completed write-back is audited in the transaction recording it. */
  audit?: Pick<AuditLog, 'append'>;
  /** Keyed by `connectorKey(system, connection)`. */
  connectors: ReadonlyMap<string, Connector>;
  clock: Clock;
  logger: Logger;
  policy: FailurePolicy;
}

export const connectorKey = (system: string, connection: string): string =>
  `${system}\u0000${connection}`;

/**
 * Executes one claimed command and records its outcome. Never throws: one poisoned
 * command must not hold up the ones claimed with it.
 */
export async function dispatchCommand(
  row: OutboxCommandRow,
  deps: CommandDeps,
): Promise<DispatchResult> {
  const base = {
    id: row.id,
    idempotencyKey: row.idempotencyKey,
    operation: row.operation,
    targetSystem: row.targetSystem,
    connection: row.connection,
    target: row.target,
    attempts: row.attempts,
  };
  const fields = {
    idempotencyKey: row.idempotencyKey,
    operation: row.operation,
    target: `${row.targetSystem}/${row.connection}:${row.target}`,
    attempts: row.attempts,
  };
  const { payload, echo } = splitPayload(row.payload);
  let written: WriteResult;
  try {
    const connector = pickConnector(row, deps.connectors);
    deps.logger.debug('outbox.execute', { ...fields, payload });
    written = await connector.execute({
      operation: row.operation,
      target: row.target,
      payload,
      idempotencyKey: row.idempotencyKey,
    });
  } catch (error) {
    return recordFailure(row, error, deps, base, fields);
  }
  const result =
    written.outcome === 'done'
      ? { outcome: 'done', result: written.result ?? null }
      : { outcome: 'skipped', reason: written.reason };
  try {
    const now = deps.clock.now();
    // Completing races the processor updating the same link (MySQL may pick this one as the
    // deadlock victim): the whole transaction is simply run again.
    await retryLockConflicts(() =>
      deps.store.db.transaction(async (m) => {
        await deps.store.outbox.complete(row.id, result, now, m);
        if (echo) await deps.store.links.markWritten(echo, now, m);
        if (deps.audit && written.outcome === 'done') {
          await deps.audit.append(
            [
              {
                actor: 'changebridge',
                action: 'writeback.done',
                subject: `${row.targetSystem}:${row.connection}:${row.target}`,
                data: {
                  operation: row.operation,
                  idempotencyKey: row.idempotencyKey,
                  change: row.changeId,
                },
              },
            ],
            now,
            m,
          );
        }
      }),
    );
  } catch (error) {
    return storeFailed(error, deps, base, fields);
  }
  const reason = written.outcome === 'skipped' ? written.reason : undefined;
  deps.logger.info('outbox.done', {
    ...fields,
    outcome: written.outcome,
    ...(reason ? { reason } : {}),
  });
  return { ...base, outcome: written.outcome, ...(reason ? { reason } : {}) };
}

function pickConnector(row: OutboxCommandRow, connectors: ReadonlyMap<string, Connector>) {
  const connector = connectors.get(connectorKey(row.targetSystem, row.connection));
  if (!connector) {
    throw new NoConnectorError(
      `no connector for ${row.targetSystem} connection "${row.connection}" (command ${row.idempotencyKey}, ${row.operation})`,
      `add connections.${row.connection} to the config, then \`changebridge deadletter retry\` the command`,
    );
  }
  if (!connector.operations.includes(row.operation)) {
    throw new NoConnectorError(
      `the ${row.targetSystem} connector "${row.connection}" does not perform ${row.operation} (command ${row.idempotencyKey})`,
      `it performs ${connector.operations.join(', ')}; this is a planner bug`,
    );
  }
  return connector;
}

async function recordFailure(
  row: OutboxCommandRow,
  error: unknown,
  deps: CommandDeps,
  base: Omit<DispatchResult, 'outcome'>,
  fields: Record<string, unknown>,
): Promise<DispatchResult> {
  const now = deps.clock.now();
  const verdict = classifyWriteFailure(error, row.attempts, deps.policy, now);
  try {
    await retryLockConflicts(() =>
      deps.store.outbox.fail(row.id, verdict.reason, { now, retryAt: verdict.retryAt }),
    );
  } catch (storeError) {
    return storeFailed(storeError, deps, base, fields);
  }
  if (verdict.retryAt) {
    deps.logger.warn('outbox.retry', {
      ...fields,
      retryAt: verdict.retryAt.toISOString(),
      reason: verdict.reason,
    });
    return { ...base, outcome: 'retried', reason: verdict.reason, retryAt: verdict.retryAt };
  }
  deps.logger.error('outbox.dead', { ...fields, reason: verdict.reason });
  return { ...base, outcome: 'dead', reason: verdict.reason };
}

function storeFailed(
  error: unknown,
  deps: CommandDeps,
  base: Omit<DispatchResult, 'outcome'>,
  fields: Record<string, unknown>,
): DispatchResult {
  const reason = error instanceof Error ? error.message : String(error);
  // The row stays claimed; when its lease runs out another pass repeats the write, which
  // the connector then skips because the target already shows it.
  deps.logger.error('outbox.store_failed', { ...fields, reason });
  return { ...base, outcome: 'error', reason };
}
