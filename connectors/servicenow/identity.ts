import type { ServiceNowClient } from './client.js';
import { query } from './query.js';
import { USER_FIELDS } from './streams.js';

/** A `sys_user` as Person resolution needs it (DESIGN §3: identities, then e-mail). */
export interface ServiceNowUser {
  sysId: string;
  userName: string;
  email: string | null;
  name: string;
  /** `servicenow:sys_user:<sys_id>`. */
  identity: string;
}

/** sys_ids per request: keeps the URL well under proxies' limits. */
const CHUNK = 100;

/** Reads users by sys_id (the values reference fields hold), in chunks. */
export async function readUsers(
  client: ServiceNowClient,
  sysIds: readonly string[],
): Promise<ServiceNowUser[]> {
  const ids = [...new Set(sysIds.filter((id) => /^[0-9a-f]{32}$/.test(id)))];
  const users: ServiceNowUser[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const page = await client.list('sys_user', {
      query: query('sys_user').where('sys_id', 'IN', chunk).orderBy('sys_id'),
      fields: USER_FIELDS,
      limit: chunk.length,
      noCount: true,
    });
    for (const r of page.records) users.push(toUser(r));
  }
  return users;
}

export function toUser(r: Record<string, string>): ServiceNowUser {
  const sysId = r.sys_id ?? '';
  const email = (r.email ?? '').trim().toLowerCase();
  return {
    sysId,
    userName: r.user_name ?? '',
    email: email || null,
    name: r.name ?? '',
    identity: `servicenow:sys_user:${sysId}`,
  };
}
