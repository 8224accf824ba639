import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { WriteCommand, WriteResult } from '../../src/model/index.js';
import { UserError } from '../../src/runtime/index.js';
import type { ServiceNowClient } from './client.js';
import { query } from './query.js';

/**
 * Write-back to ServiceNow (DESIGN §8). Every operation first reads what the target shows
 * and skips when it already shows the desired state, so a command the outbox repeats after
 * a crash has no second effect:
 *
 *  - `servicenow.update_change`: PATCH the fields that differ on a change_request;
 *  - `servicenow.work_note`: a work note carrying a marker derived from the idempotency key,
 *    looked up in sys_journal_field first (a PATCH of work_notes always appends);
 *  - `servicenow.create_change`: look the correlation id up before POSTing, so a create whose
 *    response was lost (reset, timeout, crash) is found instead of made twice.
 */
export const OPERATIONS = [
  'servicenow.update_change',
  'servicenow.work_note',
  'servicenow.create_change',
] as const;

const fieldsSchema = z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), z.string());
const updateSchema = z.object({ fields: fieldsSchema });
const noteSchema = z.object({ text: z.string().min(1).max(32_000) });
const createSchema = z.object({ fields: fieldsSchema });
const SYS_ID = /^[0-9a-f]{32}$/;

export interface WritebackDeps {
  client: ServiceNowClient;
  correlationField: string;
}

export async function executeWrite(
  command: WriteCommand,
  deps: WritebackDeps,
): Promise<WriteResult> {
  switch (command.operation) {
    case 'servicenow.update_change':
      return updateChange(command, deps);
    case 'servicenow.work_note':
      return addWorkNote(command, deps);
    case 'servicenow.create_change':
      return createChange(command, deps);
    default:
      throw new UserError('servicenow', `unknown write operation "${command.operation}"`, {
        hint: `the ServiceNow connector performs ${OPERATIONS.join(', ')}`,
      });
  }
}

function payload<T>(schema: z.ZodType<T>, command: WriteCommand): T {
  const parsed = schema.safeParse(command.payload);
  if (!parsed.success) {
    throw new UserError(
      'servicenow',
      `${command.operation} payload is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`,
      {
        hint: 'this is a planner bug: the command was built with the wrong shape',
      },
    );
  }
  return parsed.data;
}

function sysIdOf(command: WriteCommand): string {
  if (!SYS_ID.test(command.target)) {
    throw new UserError(
      'servicenow',
      `${command.operation} target "${command.target}" is not a sys_id`,
      {
        hint: 'target a change_request by its 32-hex sys_id, not its number',
      },
    );
  }
  return command.target;
}

async function updateChange(command: WriteCommand, deps: WritebackDeps): Promise<WriteResult> {
  const sysId = sysIdOf(command);
  const { fields } = payload(updateSchema, command);
  const current = await deps.client.get('change_request', sysId, [
    'sys_id',
    ...Object.keys(fields),
  ]);
  if (!current) {
    throw new UserError(
      'servicenow',
      `change_request ${sysId} does not exist or is hidden from the integration user`,
    );
  }
  const diff = Object.fromEntries(Object.entries(fields).filter(([k, v]) => current[k] !== v));
  if (Object.keys(diff).length === 0)
    return { outcome: 'skipped', reason: 'the change request already shows these values' };
  const updated = await deps.client.patch('change_request', sysId, diff);
  return {
    outcome: 'done',
    result: { sys_id: sysId, sys_updated_on: updated.sys_updated_on, fields: Object.keys(diff) },
  };
}

/** `[changebridge:<16 hex>]`: findable with LIKE, stable for one idempotency key. */
export function workNoteMarker(idempotencyKey: string): string {
  return `[changebridge:${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 16)}]`;
}

async function addWorkNote(command: WriteCommand, deps: WritebackDeps): Promise<WriteResult> {
  const sysId = sysIdOf(command);
  const { text } = payload(noteSchema, command);
  const marker = workNoteMarker(command.idempotencyKey);
  const existing = await deps.client.list('sys_journal_field', {
    query: query('sys_journal_field')
      .where('element_id', '=', sysId)
      .where('element', '=', 'work_notes')
      .where('value', 'LIKE', marker),
    fields: ['sys_id'],
    limit: 1,
    noCount: true,
  });
  if (existing.records.length > 0)
    return { outcome: 'skipped', reason: 'the work note is already on the change request' };
  await deps.client.patch('change_request', sysId, { work_notes: `${text}\n\n${marker}` });
  return { outcome: 'done', result: { sys_id: sysId, marker } };
}

async function createChange(command: WriteCommand, deps: WritebackDeps): Promise<WriteResult> {
  const correlationId = command.target;
  const { fields } = payload(createSchema, command);
  const field = deps.correlationField;
  const found = await findByCorrelation(deps, correlationId);
  if (found) {
    return {
      outcome: 'skipped',
      reason: `change request ${found.number} already has ${field}=${correlationId}`,
    };
  }
  const created = await deps.client.create('change_request', { ...fields, [field]: correlationId });
  return { outcome: 'done', result: { sys_id: created.sys_id, number: created.number } };
}

export async function findByCorrelation(
  deps: WritebackDeps,
  correlationId: string,
): Promise<{ sys_id: string; number: string } | null> {
  const page = await deps.client.list('change_request', {
    query: query('change_request', [deps.correlationField])
      .where(deps.correlationField, '=', correlationId)
      .orderBy('sys_created_on'),
    fields: ['sys_id', 'number', deps.correlationField],
    limit: 1,
    noCount: true,
  });
  const r = page.records[0];
  return r ? { sys_id: r.sys_id ?? '', number: r.number ?? '' } : null;
}
