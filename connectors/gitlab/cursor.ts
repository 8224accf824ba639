import { z } from 'zod';
import { ChangebridgeError } from '../../src/runtime/index.js';

/**
 * The opaque poll cursor of one stream: per project, the `(updatedAt, id)` of the last
 * record read, ordered as GitLab sorts (`order_by=updated_at&sort=asc`). Validated when
 * decoded, so a hand-edited or foreign cursor fails with a fix instead of polling wrong.
 */
const position = z.strictObject({ at: z.iso.datetime({ offset: true }), id: z.number().int() });
const cursorSchema = z.strictObject({ v: z.literal(1), projects: z.record(z.string(), position) });

export type Position = z.infer<typeof position>;
export type GitLabCursor = z.infer<typeof cursorSchema>;

export function decodeCursor(value: string | null, stream: string): GitLabCursor {
  if (value === null) return { v: 1, projects: {} };
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    json = undefined;
  }
  const parsed = cursorSchema.safeParse(json);
  if (!parsed.success) {
    throw new ChangebridgeError(
      'gitlab',
      `stored cursor of stream "${stream}" is not a GitLab cursor`,
      {
        hint: 'delete the cursor row for this connection and stream to re-poll from the configured lookback',
      },
    );
  }
  return parsed.data;
}

export function encodeCursor(cursor: GitLabCursor): string {
  const projects = Object.fromEntries(
    Object.entries(cursor.projects).sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  return JSON.stringify({ v: 1, projects });
}

/** Later of the two positions by (at, id); `at` is capped at the signpost `startedAt`. */
export function advance(
  prev: Position | undefined,
  at: string,
  id: number,
  startedAt: Date,
): Position {
  const t = Math.min(Date.parse(at), startedAt.getTime());
  const next = { at: new Date(t).toISOString(), id };
  if (!prev) return next;
  const pt = Date.parse(prev.at);
  return t > pt || (t === pt && id > prev.id) ? next : prev;
}
