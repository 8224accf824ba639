import { z } from 'zod';
import { UserError } from '../../src/runtime/index.js';

/**
 * The `issue` stream's cursor: opaque to the store, `(updated, id)` inside. Validated on
 * decode, so a corrupted or foreign value fails loudly instead of re-reading everything.
 */

export interface IssueCursor {
  /** `updated` of the last issue read, epoch ms. */
  updatedMs: number;
  /** Its issue id; `''` when the cursor is a time only (the signpost). */
  id: string;
}

const schema = z.strictObject({
  v: z.literal(1),
  u: z.number().int().nonnegative(),
  i: z.string().regex(/^\d*$/),
});

export function encodeCursor(c: IssueCursor): string {
  return Buffer.from(JSON.stringify({ v: 1, u: c.updatedMs, i: c.id })).toString('base64url');
}

export function decodeCursor(value: string, where = 'jira issue stream'): IssueCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    throw new UserError('jira', `the stored cursor of the ${where} is not a valid Jira cursor`, {
      hint: 'it was written by another version or edited by hand: delete the cursor row for this connection and stream to re-read from the configured start',
    });
  }
  return { updatedMs: result.data.u, id: result.data.i };
}

/** (updated, id) order; ids compare numerically (Jira ids are decimal strings). */
export function compareCursor(a: IssueCursor, b: IssueCursor): number {
  if (a.updatedMs !== b.updatedMs) return a.updatedMs < b.updatedMs ? -1 : 1;
  const x = a.id === '' ? -1n : BigInt(a.id);
  const y = b.id === '' ? -1n : BigInt(b.id);
  return x === y ? 0 : x < y ? -1 : 1;
}
