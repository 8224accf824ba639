import { z } from 'zod';
import { ChangebridgeError } from '../../src/runtime/index.js';

/**
 * The poll cursor: per repository, the `(updatedAt, id)` of the last record stored.
 * Opaque to the store (base64url JSON), validated when decoded (STYLE: cursors).
 */
export type RepoCursors = Record<string, { at: string; id: number }>;

const cursorSchema = z.strictObject({
  v: z.literal(1),
  repos: z.record(z.string(), z.strictObject({ at: z.iso.datetime(), id: z.number().int() })),
});

export function encodeCursor(repos: RepoCursors): string {
  return Buffer.from(JSON.stringify({ v: 1, repos }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | null, stream: string): RepoCursors {
  if (cursor === null) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const r = cursorSchema.safeParse(parsed);
  if (!r.success) {
    throw new ChangebridgeError(
      'github',
      `stored cursor of stream "${stream}" is not a GitHub cursor`,
      {
        hint: 'reset the cursor of this stream (backfill) so polling starts over',
      },
    );
  }
  return r.data.repos;
}

/** Ascending by time then id: the order the cursor advances in. */
export function compareStamp(a: { at: string; id: number }, b: { at: string; id: number }): number {
  const t = Date.parse(a.at) - Date.parse(b.at);
  return t !== 0 ? t : a.id - b.id;
}
