import { sha256Hex } from '../util/sha256.js';
import type { Link } from '../model/index.js';

/** Shapes and keys shared by the planner's parts. */

export interface PlannedCommand {
  idempotencyKey: string;
  changeId: string;
  targetSystem: string;
  connection: string;
  operation: string;
  target: string;
  payload: Record<string, unknown>;
  /** Pending commands whose key starts with this (other than this one) are obsolete. */
  supersedes: string | null;
}

const short = (hash: string) => hash.slice(0, 16);

export function digest(value: string): string {
  return sha256Hex(value);
}

export function commandKey(link: Link, aspect: string, desired: string): string {
  const prev = link.syncState?.written[aspect];
  return `${link.recordId}|${aspect}|${prev ? short(prev) : '-'}|${short(desired)}`;
}

export function envelope(
  link: Link,
  aspect: string,
  desiredHash: string,
  base?: Record<string, unknown>,
): Record<string, unknown> {
  return {
    link: { changeId: link.changeId, recordId: link.recordId },
    aspect,
    desiredHash,
    ...(base ? { base } : {}),
  };
}
