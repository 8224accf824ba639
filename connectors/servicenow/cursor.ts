import { UserError } from '../../src/runtime/index.js';
import { isSnTime } from './time.js';

/**
 * The poll cursor: the position `(sys_updated_on, sys_id)` of the last record stored.
 * Opaque to everyone else (base64url JSON with a version), validated when decoded so a
 * corrupt or foreign value fails loudly instead of silently re-reading or skipping.
 * `id` "" means "before every record of that second".
 */
export interface CursorPosition {
  ts: string;
  id: string;
}

const VERSION = 1;
const SYS_ID = /^[0-9a-f]{32}$/;

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify({ v: VERSION, ts: position.ts, id: position.id })).toString(
    'base64url',
  );
}

export function decodeCursor(cursor: string, stream: string): CursorPosition {
  const fail = (why: string): never => {
    throw new UserError('servicenow', `stored cursor of stream ${stream} is invalid: ${why}`, {
      hint: `reset it (the next pass then reads ${stream} from the start; the inbox drops what it already has)`,
    });
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return fail('not an encoded cursor');
  }
  if (typeof parsed !== 'object' || parsed === null) return fail('not an encoded cursor');
  const { v, ts, id } = parsed as Record<string, unknown>;
  if (v !== VERSION) return fail(`unknown version ${JSON.stringify(v)}`);
  if (typeof ts !== 'string' || !isSnTime(ts))
    return fail('sys_updated_on is not YYYY-MM-DD HH:mm:ss');
  if (typeof id !== 'string' || (id !== '' && !SYS_ID.test(id)))
    return fail('sys_id is not 32 hex digits');
  return { ts, id };
}

/** Order of two positions: by time, then by sys_id ("" first). */
export function comparePositions(a: CursorPosition, b: CursorPosition): number {
  if (a.ts !== b.ts) return a.ts < b.ts ? -1 : 1;
  if (a.id === b.id) return 0;
  return a.id < b.id ? -1 : 1;
}
