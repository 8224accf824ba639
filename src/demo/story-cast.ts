import { createHash } from 'node:crypto';
import type { StoryPerson, StoryRole } from './story-types.js';

/**
 * The people of the demo story and the small helpers every act uses. Ids are derived
 * from fixed names (not random), so the same story seeds the same sys_ids and account ids
 * on every run: summaries, snapshots and convergence checks can rely on them.
 */

/** Jira custom field holding the ServiceNow change number (mappings/jira.issue.yaml `key`). */
export const STORY_JIRA_CHANGE_FIELD = 'customfield_10100';
/** Jira custom fields the same mapping reads for justification and the planned window. */
export const STORY_JIRA_JUSTIFICATION_FIELD = 'customfield_10101';
export const STORY_JIRA_START_FIELD = 'customfield_10102';
export const STORY_JIRA_END_FIELD = 'customfield_10103';

/** A 32-hex sys_id that depends only on `name`. */
export function storySysId(name: string): string {
  return createHash('sha256').update(`changebridge-demo:${name}`).digest('hex').slice(0, 32);
}

/** An Atlassian account id in the modern `712020:<uuid>` shape, derived from `name`. */
function storyAccountId(name: string): string {
  const h = createHash('sha256').update(`changebridge-demo-jira:${name}`).digest('hex');
  return `712020:${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

interface CastMember {
  role: StoryRole;
  first: string;
  last: string;
  title: string;
  login: string;
}

const CAST: CastMember[] = [
  { role: 'requester', first: 'Priya', last: 'Raman', title: 'Change Manager', login: 'praman' },
  {
    role: 'approver',
    first: 'Marcus',
    last: 'Lindqvist',
    title: 'CAB member',
    login: 'mlindqvist',
  },
  {
    role: 'engineer',
    first: 'Dana',
    last: 'Whitfield',
    title: 'Site Reliability Engineer',
    login: 'dwhitfield',
  },
  {
    role: 'payments',
    first: 'Tomás',
    last: 'Ortega',
    title: 'Payments Engineer',
    login: 'tortega',
  },
];

export function storyPeople(): StoryPerson[] {
  return CAST.map((c) => {
    // ServiceNow user names are ASCII: "Tomás" signs in as "tomas.ortega".
    const ascii = `${c.first}.${c.last}`.normalize('NFD').replace(/[^A-Za-z.]/g, '');
    const userName = ascii.toLowerCase();
    return {
      role: c.role,
      name: `${c.first} ${c.last}`,
      email: `${userName}@acme.example`,
      servicenow: { sysId: storySysId(`sys_user:${userName}`), userName },
      jira: { accountId: storyAccountId(userName) },
      github: { login: c.login },
    };
  });
}

export function person(people: StoryPerson[], role: StoryRole): StoryPerson {
  const p = people.find((x) => x.role === role);
  if (!p) throw new Error(`[changebridge/demo] the story has no ${role}`);
  return p;
}

export function castMember(role: StoryRole): CastMember {
  return CAST.find((c) => c.role === role)!;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** `now` shifted by whole days and hours. */
export function shift(now: Date, days: number, hours = 0, minutes = 0): Date {
  return new Date(now.getTime() + days * DAY + hours * HOUR + minutes * 60_000);
}

/** `hour`:`minute` UTC on the day `days` after `now`'s UTC date. */
export function atUtc(now: Date, days: number, hour: number, minute = 0): Date {
  return new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + days, hour, minute),
  );
}

/** Jira's date-time custom field format: `2026-03-02T22:00:00.000+0000`. */
export function jiraDateTime(d: Date): string {
  return d.toISOString().replace('Z', '+0000');
}

/** A one-paragraph Atlassian Document, as Jira REST v3 stores rich text. */
export function adf(...paragraphs: string[]): unknown {
  return {
    type: 'doc',
    version: 1,
    content: paragraphs.map((text) => ({ type: 'paragraph', content: [{ type: 'text', text }] })),
  };
}
