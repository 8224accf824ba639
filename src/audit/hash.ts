import { sha256Hex } from '../util/sha256.js';
import { canonicalJson } from '../model/index.js';

/**
 * The audit hash (DESIGN §3): SHA-256, hex, over the canonical JSON array
 * `[prevHash, seq, at (ISO-8601 UTC, ms), actor, action, subject, data]`. A JSON array keeps
 * the fields unambiguous (no separator can be smuggled inside a value). `dataJson` is the
 * canonical JSON text as stored, so an auditor can recompute the chain from an export with
 * any SHA-256 tool: see docs/audit.md.
 */
export interface HashInput {
  prevHash: string;
  seq: number;
  at: Date;
  actor: string;
  action: string;
  subject: string;
  dataJson: string;
}

export function auditHash(input: HashInput): string {
  const preimage =
    `[${JSON.stringify(input.prevHash)},${input.seq},${JSON.stringify(input.at.toISOString())},` +
    `${JSON.stringify(input.actor)},${JSON.stringify(input.action)},${JSON.stringify(input.subject)},` +
    `${input.dataJson}]`;
  return sha256Hex(preimage);
}

/** Canonical JSON of event data; the exact text that is stored and hashed. */
export function auditDataJson(data: unknown): string {
  return canonicalJson(data ?? null);
}
