import type { SystemName } from './enums.js';
import type { SourceEvent } from './source-event.js';

/**
 * The contract every connector (connectors/<system>/index.ts) fulfils, so ingest and sync
 * treat ServiceNow, Jira, GitHub and GitLab alike (DESIGN §2, §11). Types only: the model
 * imports nothing, connectors implement, the composition root wires.
 */

/** A webhook request as the ingest server hands it over: raw bytes, for signatures. */
export interface WebhookRequest {
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Readonly<Record<string, string | undefined>>;
  rawBody: Uint8Array;
  receivedAt: Date;
}

/**
 * What became of a webhook. `accepted` events go to the inbox and the sender gets a 2xx
 * only after they are stored. `ignored` also answers 2xx (a retry would not help) and is
 * recorded with its reason. `rejected` answers `status` and stores nothing: the request
 * failed authentication or is not a webhook at all. An authenticated body that cannot be
 * understood is still `accepted` (event `unparseable`), so processing dead-letters it
 * with a reason instead of it being lost.
 */
export type WebhookOutcome =
  | { outcome: 'accepted'; events: SourceEvent[] }
  | { outcome: 'ignored'; reason: string }
  | { outcome: 'rejected'; status: 400 | 401 | 403 | 413 | 415; reason: string };

/** One page of polled records, and the cursor to store with it in the same transaction. */
export interface PollPage {
  events: SourceEvent[];
  /** Opaque; advanced only after `events` are durably in the inbox (DESIGN §5). */
  nextCursor: string;
}

export interface PollOptions {
  /** The signpost: never advance the cursor past the moment this run started. */
  startedAt: Date;
  signal?: AbortSignal;
}

export interface PollStream {
  /** Unique per connection, e.g. `change_request`, `sysapproval_approver`, `issue`. */
  readonly name: string;
  /** Pages of records updated after `cursor` (null: from the configured start). */
  poll(cursor: string | null, options: PollOptions): AsyncIterable<PollPage>;
}

/** A write-back the outbox asks a connector to perform (DESIGN §8). */
export interface WriteCommand {
  /** e.g. `servicenow.patch`, `jira.comment`, `github.status`. */
  operation: string;
  /** The record written to: a sys_id, an issue key, `owner/repo@sha`. */
  target: string;
  payload: unknown;
  /** Deterministic; connectors use it to make the effect happen at most once. */
  idempotencyKey: string;
}

export type WriteResult =
  | { outcome: 'done'; result?: unknown }
  /** The target already shows the desired state: nothing was written. */
  | { outcome: 'skipped'; reason: string };

export interface Connector {
  readonly system: SystemName;
  readonly connection: string;
  readonly streams: readonly PollStream[];
  /** Operations `execute` understands. */
  readonly operations: readonly string[];
  /** Verify first (constant time), then turn the request into source events. */
  handleWebhook(request: WebhookRequest): Promise<WebhookOutcome>;
  /**
   * Re-read the record a thin or untrusted event names, through the API (DESIGN §2).
   * Null when the record is gone (deleted, or hidden by ACLs).
   */
  reread(event: SourceEvent): Promise<SourceEvent | null>;
  /** Perform one write-back. Throws on failure; the dispatcher classifies and retries. */
  execute(command: WriteCommand): Promise<WriteResult>;
  /** Record kinds `readMany` serves (reconciliation); absent: none. */
  readonly readableKinds?: readonly string[];
  /**
   * Reconciliation's fresh read (DESIGN §7): many records of one kind by external id, in
   * batched requests, as source events shaped like polled ones (event `reconcile`). Ids
   * missing from the result were not returned: deleted, or no longer visible.
   */
  readMany?(
    kind: string,
    externalIds: readonly string[],
    signal?: AbortSignal,
  ): Promise<Map<string, SourceEvent>>;
}
