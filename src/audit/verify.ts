import { GENESIS_HASH } from '../model/index.js';
import type { AuditEventRow } from '../store/index.js';
import { auditDataJson, auditHash } from './hash.js';

/** A stored audit row as the verifier sees it: exactly the table's row shape. */
export type StoredAuditRow = AuditEventRow;

export type VerifyProblem =
  | 'missing' // a seq is absent: a row was deleted
  | 'unexpected' // a seq that should not be there: inserted or renumbered
  | 'broken-link' // prevHash does not match the previous row's hash: reordered or inserted
  | 'altered' // the row's own hash does not match its contents: edited
  | 'not-canonical' // data text is not the canonical JSON of itself: edited by hand
  | 'truncated' // the chain ends before the recorded tip: rows cut off the end
  | 'tip-mismatch'; // rows past, or different from, the recorded tip

export interface VerifyResult {
  ok: boolean;
  checked: number;
  lastSeq: number;
  firstBad?: { seq: number; problem: VerifyProblem; detail: string };
}

/**
 * Pure chain verifier. Feed rows in ascending seq order (any batching); call `finish` with
 * the recorded tip. Stops at the first bad row: everything after it is suspect anyway.
 */
export class ChainVerifier {
  private expectedSeq = 1;
  private prevHash = GENESIS_HASH;
  private checked = 0;
  private bad: VerifyResult['firstBad'];

  get failed(): boolean {
    return this.bad !== undefined;
  }

  push(row: StoredAuditRow): boolean {
    if (this.bad) return false;
    if (row.seq < this.expectedSeq) {
      return this.fail(
        row.seq,
        'unexpected',
        `seq ${row.seq} appears again after seq ${this.expectedSeq - 1}`,
      );
    }
    if (row.seq > this.expectedSeq) {
      return this.fail(
        this.expectedSeq,
        'missing',
        `seq ${this.expectedSeq} is missing (next row present is seq ${row.seq})`,
      );
    }
    if (row.prevHash !== this.prevHash) {
      return this.fail(
        row.seq,
        'broken-link',
        `prev_hash does not match the hash of seq ${row.seq - 1}`,
      );
    }
    let canonical: string;
    try {
      canonical = auditDataJson(JSON.parse(row.data));
    } catch {
      return this.fail(row.seq, 'not-canonical', 'data is not valid JSON');
    }
    if (canonical !== row.data) {
      return this.fail(row.seq, 'not-canonical', 'data text is not in canonical form');
    }
    const hash = auditHash({ ...row, dataJson: row.data });
    if (hash !== row.hash) {
      return this.fail(
        row.seq,
        'altered',
        `stored hash ${row.hash.slice(0, 12)}… != recomputed ${hash.slice(0, 12)}…`,
      );
    }
    this.prevHash = row.hash;
    this.expectedSeq += 1;
    this.checked += 1;
    return true;
  }

  finish(tip: { seq: number; hash: string } | null): VerifyResult {
    const lastSeq = this.expectedSeq - 1;
    if (!this.bad && tip) {
      if (lastSeq < tip.seq) {
        this.fail(
          lastSeq + 1,
          'truncated',
          `the chain ends at seq ${lastSeq} but its recorded tip is seq ${tip.seq}`,
        );
      } else if (lastSeq > tip.seq) {
        this.fail(
          tip.seq + 1,
          'tip-mismatch',
          `seq ${tip.seq + 1}…${lastSeq} lie past the recorded tip seq ${tip.seq}`,
        );
      } else if (this.prevHash !== tip.hash) {
        this.fail(
          lastSeq,
          'tip-mismatch',
          `the hash of seq ${lastSeq} differs from the recorded tip`,
        );
      }
    }
    return {
      ok: !this.bad,
      checked: this.checked,
      lastSeq,
      ...(this.bad ? { firstBad: this.bad } : {}),
    };
  }

  private fail(seq: number, problem: VerifyProblem, detail: string): false {
    this.bad = { seq, problem, detail };
    return false;
  }
}
