import type { LinkKind, SystemName } from './enums.js';

/** Ties a Change to one source record (DESIGN §3, §4). */
export interface Link {
  changeId: string;
  /**
   * Source id of the linked record (`<system>:<kind>:<connection>:<externalId>`). One record
   * may link several changes (a PR naming two change numbers), so the pair is the identity.
   */
  recordId: string;
  system: SystemName;
  connection: string;
  kind: LinkKind;
  externalId: string;
  /** Human key, e.g. `CHG0030001`, `OPS-12`, `acme/api#12`. */
  externalKey: string | null;
  url: string | null;
  /** The source's own updated stamp, as it sent it. */
  sourceVersion: string | null;
  /** Hash of the mapped values last read from the source. */
  lastReadHash: string | null;
  /** Hash of the values changebridge last wrote there (echo suppression, DESIGN §5). */
  lastWrittenHash: string | null;
  /** Merge base and per-aspect write hashes (DESIGN §5); absent until first synced. */
  syncState?: LinkSyncState | null;
  updatedAt: Date;
}

/**
 * What the sync remembers per linked record. `base`: canonical field → the value this
 * record and the canonical change last agreed on (JSON: dates as ISO strings). `written`:
 * write-back aspect (`fields`, `approval`, …) → hash of what changebridge last wrote.
 */
export interface LinkSyncState {
  base: Record<string, unknown>;
  written: Record<string, string>;
}

/** True when an incoming record is our own write coming back (DESIGN §5, echo suppression). */
export function isEcho(link: Pick<Link, 'lastWrittenHash'>, incomingHash: string): boolean {
  return link.lastWrittenHash !== null && link.lastWrittenHash === incomingHash;
}
