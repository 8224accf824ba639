import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson, type WriteCommand, type WriteResult } from '../../src/model/index.js';
import { ChangebridgeError, UserError } from '../../src/runtime/index.js';
import { markdownToAdf } from './adf.js';
import type { JiraClient } from './client.js';
import { jqlString } from './jql.js';

/**
 * Write-backs to a Jira issue (DESIGN §8). Each one reads the issue first and is skipped
 * when Jira already shows the desired state, so the outbox may repeat a command safely:
 * - comments carry a hidden marker (a comment entity property holding the command's
 *   idempotency key): a retried comment is found and never posted twice;
 * - issues created from changebridge carry a label derived from the idempotency key and
 *   are looked up by it before creating (labels are searchable with no app index).
 */

export const JIRA_OPERATIONS = [
  'jira.comment',
  'jira.property',
  'jira.labels',
  'jira.transition',
  'jira.remote_link',
  'jira.edit',
  'jira.create_issue',
] as const;

export const COMMENT_MARKER_PROPERTY = 'changebridge';
export const ISSUE_PROPERTY_KEY = 'changebridge';
export const MAX_PROPERTY_BYTES = 32_768;

const payloads = {
  'jira.comment': z.strictObject({ text: z.string().min(1) }),
  'jira.property': z.strictObject({
    key: z.string().min(1).max(255).default(ISSUE_PROPERTY_KEY),
    value: z.unknown(),
  }),
  'jira.labels': z.strictObject({
    add: z.array(z.string().regex(/^\S+$/, 'labels cannot contain spaces')).default([]),
    remove: z.array(z.string()).default([]),
  }),
  'jira.transition': z.strictObject({ status: z.string().min(1) }),
  'jira.remote_link': z.strictObject({
    globalId: z.string().min(1),
    url: z.url(),
    title: z.string().min(1),
    summary: z.string().optional(),
    relationship: z.string().optional(),
  }),
  'jira.edit': z.strictObject({ fields: z.record(z.string(), z.unknown()) }),
  'jira.create_issue': z.strictObject({
    project: z.string().min(1),
    issueType: z.string().min(1),
    summary: z.string().min(1),
    description: z.string().optional(),
    labels: z.array(z.string()).default([]),
    fields: z.record(z.string(), z.unknown()).default({}),
  }),
};

type Op = keyof typeof payloads;

const skipped = (reason: string): WriteResult => ({ outcome: 'skipped', reason });

export function createLabelFor(idempotencyKey: string): string {
  return `changebridge-${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 16)}`;
}

export async function executeJiraWrite(
  client: JiraClient,
  command: WriteCommand,
): Promise<WriteResult> {
  const op = command.operation as Op;
  const schema = payloads[op];
  if (!schema) {
    throw new UserError(
      'jira',
      `unknown write operation "${command.operation}" for target ${command.target}`,
      {
        hint: `use one of ${JIRA_OPERATIONS.join(', ')}`,
      },
    );
  }
  const parsed = schema.safeParse(command.payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(
      'jira',
      `${command.operation} payload for ${command.target} is invalid at "${issue?.path.join('.') ?? ''}": ${issue?.message ?? ''}`,
      {
        hint: 'this is a planner bug: the command is dead-lettered with this reason',
      },
    );
  }
  const key = command.target;
  switch (op) {
    case 'jira.comment': {
      const { text } = parsed.data as z.infer<(typeof payloads)['jira.comment']>;
      for (let startAt = 0; ;) {
        const page = await client.getComments(key, startAt);
        const dup = page.comments.find((c) =>
          c.properties?.some(
            (p) => p.key === COMMENT_MARKER_PROPERTY && isMarker(p.value, command.idempotencyKey),
          ),
        );
        if (dup) return skipped(`comment ${dup.id} already carries this command's marker`);
        startAt = page.startAt + page.comments.length;
        if (page.comments.length === 0 || startAt >= page.total) break;
      }
      await client.addComment(key, markdownToAdf(text), [
        { key: COMMENT_MARKER_PROPERTY, value: { idempotencyKey: command.idempotencyKey } },
      ]);
      return { outcome: 'done' };
    }
    case 'jira.property': {
      const p = parsed.data as z.infer<(typeof payloads)['jira.property']>;
      const size = Buffer.byteLength(JSON.stringify(p.value ?? null));
      if (size > MAX_PROPERTY_BYTES) {
        throw new UserError(
          'jira',
          `issue property "${p.key}" for ${key} is ${size} bytes; Jira allows ${MAX_PROPERTY_BYTES}`,
          {
            hint: 'trim the findings summary written to the property (full details stay in changebridge)',
          },
        );
      }
      const current = await client.getProperty(key, p.key);
      if (current !== undefined && canonicalJson(current) === canonicalJson(p.value ?? null)) {
        return skipped(`property ${p.key} already holds this value`);
      }
      await client.setProperty(key, p.key, p.value ?? null);
      return { outcome: 'done' };
    }
    case 'jira.labels': {
      const p = parsed.data as z.infer<(typeof payloads)['jira.labels']>;
      const issue = await client.getIssue(key, ['labels', 'updated']);
      if (!issue) throw notFound(key, command.operation);
      const have = new Set(
        Array.isArray(issue.fields.labels) ? issue.fields.labels.map(String) : [],
      );
      const ops = [
        ...p.add.filter((l) => !have.has(l)).map((l) => ({ add: l })),
        ...p.remove.filter((l) => have.has(l)).map((l) => ({ remove: l })),
      ];
      if (ops.length === 0) return skipped('labels already as desired');
      await client.editIssue(key, { update: { labels: ops } });
      return { outcome: 'done', result: { changed: ops.length } };
    }
    case 'jira.transition': {
      const p = parsed.data as z.infer<(typeof payloads)['jira.transition']>;
      const issue = await client.getIssue(key, ['status', 'updated']);
      if (!issue) throw notFound(key, command.operation);
      const status = (issue.fields.status as { name?: unknown } | undefined)?.name;
      if (typeof status === 'string' && status.toLowerCase() === p.status.toLowerCase()) {
        return skipped(`issue is already in status "${status}"`);
      }
      const { transitions } = await client.getTransitions(key);
      const t = transitions.find((x) => x.to.name.toLowerCase() === p.status.toLowerCase());
      if (!t) {
        throw new ChangebridgeError(
          'jira',
          `no transition from "${String(status)}" to status "${p.status}" on ${key}`,
          {
            hint: `the workflow offers: ${transitions.map((x) => `"${x.to.name}"`).join(', ') || 'nothing'}; fix jira.transition status in the write-back config or the workflow`,
          },
        );
      }
      await client.doTransition(key, t.id);
      return { outcome: 'done', result: { transitionId: t.id } };
    }
    case 'jira.remote_link': {
      const p = parsed.data as z.infer<(typeof payloads)['jira.remote_link']>;
      const links = await client.getRemoteLinks(key);
      const existing = links.find((l) => l.globalId === p.globalId);
      const object = {
        url: p.url,
        title: p.title,
        ...(p.summary !== undefined ? { summary: p.summary } : {}),
      };
      if (
        existing &&
        existing.object &&
        canonicalJson(pick(existing.object, Object.keys(object))) === canonicalJson(object)
      ) {
        return skipped(`remote link ${p.globalId} already up to date`);
      }
      await client.upsertRemoteLink(key, {
        globalId: p.globalId,
        ...(p.relationship ? { relationship: p.relationship } : {}),
        object,
      });
      return { outcome: 'done' };
    }
    case 'jira.edit': {
      const p = parsed.data as z.infer<(typeof payloads)['jira.edit']>;
      const names = Object.keys(p.fields);
      const issue = await client.getIssue(key, [...names, 'updated']);
      if (!issue) throw notFound(key, command.operation);
      const changed = Object.fromEntries(
        Object.entries(p.fields).filter(
          ([n, v]) => canonicalJson(issue.fields[n] ?? null) !== canonicalJson(v ?? null),
        ),
      );
      if (Object.keys(changed).length === 0) return skipped('fields already hold these values');
      await client.editIssue(key, { fields: changed });
      return { outcome: 'done', result: { fields: Object.keys(changed) } };
    }
    case 'jira.create_issue': {
      const p = parsed.data as z.infer<(typeof payloads)['jira.create_issue']>;
      const label = createLabelFor(command.idempotencyKey);
      const found = await client.searchJql({
        jql: `project = ${jqlString(p.project)} AND labels = ${jqlString(label)}`,
        maxResults: 1,
        fields: ['updated'],
      });
      const hit = found.issues[0];
      if (hit)
        return {
          outcome: 'skipped',
          reason: `issue ${hit.key} was already created for this command`,
        };
      const created = await client.createIssue({
        project: { key: p.project },
        issuetype: { name: p.issueType },
        summary: p.summary,
        ...(p.description !== undefined ? { description: markdownToAdf(p.description) } : {}),
        labels: [...p.labels, label],
        ...p.fields,
      });
      return { outcome: 'done', result: { id: created.id, key: created.key } };
    }
  }
}

function isMarker(value: unknown, idempotencyKey: string): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { idempotencyKey?: unknown }).idempotencyKey === idempotencyKey
  );
}

function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, o[k]]));
}

function notFound(key: string, operation: string): ChangebridgeError {
  return new ChangebridgeError(
    'jira',
    `issue ${key} does not exist or the integration account cannot see it (${operation})`,
    {
      hint: 'check the issue key and that the account has Browse projects permission',
    },
  );
}
