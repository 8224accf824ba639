import { sha256Hex } from '../util/sha256.js';
import { sourceId, type SourceEvent, type SystemName } from '../model/index.js';

/**
 * Small facts the sync needs about a raw record beyond what mappings produce: its version
 * stamp (to refuse an older version arriving after a newer one) and user details for
 * Person resolution. Pure.
 */

function at(record: unknown, path: readonly string[]): unknown {
  let v: unknown = record;
  for (const p of path) {
    if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, p))
      return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  // ServiceNow `{value, display_value}` / `{link, value}` envelopes.
  if (v !== null && typeof v === 'object' && 'value' in (v as object))
    return (v as { value: unknown }).value;
  return v;
}

const STAMPS: Readonly<Record<SystemName, readonly (readonly string[])[]>> = {
  servicenow: [['sys_updated_on']],
  jira: [['fields', 'updated'], ['updated']],
  github: [['updated_at']],
  gitlab: [['updated_at']],
};

/** ServiceNow `2026-03-02 10:00:00` (UTC), Jira `…+0100`, ISO: to a sortable ISO UTC stamp. */
export function normaliseStamp(raw: string): string | null {
  let s = raw.trim();
  if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(s)) s = `${s.replace(' ', 'T')}Z`;
  s = s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  // A stamp without a zone is UTC (vendors send UTC), never the machine's local time.
  if (/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s)) s = `${s}Z`;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** The record's last-updated stamp as ISO UTC, or null when it carries none. */
export function recordVersion(system: SystemName, record: unknown): string | null {
  for (const path of STAMPS[system]) {
    const v = at(record, path);
    if (typeof v !== 'string' || !v) continue;
    const stamp = normaliseStamp(v);
    // ServiceNow stamps have one-second resolution; sys_mod_count orders updates within it.
    const count = system === 'servicenow' ? at(record, ['sys_mod_count']) : undefined;
    if (
      stamp &&
      (typeof count === 'string' || typeof count === 'number') &&
      /^\d+$/.test(String(count))
    )
      return `${stamp}#${String(count).padStart(10, '0')}`;
    return stamp;
  }
  return null;
}

export function rawField(record: unknown, path: readonly string[]): unknown {
  return at(record, path);
}

export interface UserDetails {
  displayName: string | null;
  email: string | null;
}

/**
 * Display name and email of a user the record embeds (Jira user objects carry both;
 * Git hosts a name). ServiceNow references carry only a sys_id.
 */
export function embeddedUser(record: unknown, userId: string): UserDetails | null {
  const seen = new Set<object>();
  const walk = (v: unknown, depth: number): UserDetails | null => {
    if (v === null || typeof v !== 'object' || depth > 4 || seen.has(v)) return null;
    seen.add(v);
    const o = v as Record<string, unknown>;
    const id = o.accountId ?? o.login ?? o.username;
    if (id !== undefined && String(id) === userId) {
      const name = o.displayName ?? o.name ?? null;
      const email = o.emailAddress ?? o.email ?? null;
      return {
        displayName: typeof name === 'string' ? name : null,
        // GitLab hides addresses as "[REDACTED]": only an address is an email.
        email: typeof email === 'string' && email.includes('@') ? email : null,
      };
    }
    for (const child of Object.values(o)) {
      const hit = walk(child, depth + 1);
      if (hit) return hit;
    }
    return null;
  };
  return walk(record, 0);
}

/** A UUID (version 5 layout) derived from a name: the same record always gets the same id. */
export function nameUuid(name: string): string {
  const h = sha256Hex(name);
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The source record id (`<system>:<kind>:<connection>:<externalId>`) an event is about. */
export function eventRecordId(event: SourceEvent): string {
  return sourceId({
    system: event.system,
    kind: event.kind,
    connection: event.connection,
    externalId: event.externalId ?? '',
  });
}
