import type { CompiledMapping } from '../mapping/index.js';
import { isUuid, type Change, type CodeChange, type Finding, type Link } from '../model/index.js';
import { jsonValue, projectionHash, sameValue, writtenFields } from './merge.js';
import { planFindings } from './plan-findings.js';
import { jiraApprovalCommands, type JiraWriteBack } from './plan-jira.js';
import { commandKey, digest, envelope, type PlannedCommand } from './plan-keys.js';

export type { PlannedCommand } from './plan-keys.js';

/**
 * The planner (DESIGN §2, §8): from a canonical change and its links, the outbox commands
 * that make every linked record show the desired state. Pure: data in, commands out.
 *
 * Every command's idempotency key is deterministic: `<record>|<aspect>|<last written
 * hash>|<desired hash>`. Planning the same state twice yields the same key (the outbox
 * keeps one row); a later change of the desired state, even back to an earlier value,
 * yields a new key because the last written hash moved. A pending command for the same
 * record and aspect is superseded by a newer one (`supersedes`: the key prefix).
 */

export interface PlannerSettings {
  systemOfRecord: 'servicenow' | 'jira';
  /** The ServiceNow connection change requests are created in; null: none configured. */
  servicenowConnection: string | null;
  jiraOnly: { enabled: boolean; defaults: Record<string, string>; changeNumberField: string };
  jiraWriteBack: JiraWriteBack;
}

export interface PlanInput {
  change: Change;
  links: readonly Link[];
  mappingFor(link: Link): CompiledMapping | undefined;
  settings: PlannerSettings;
  /**
   * Jira issue links that qualify for a change request to be created from them (issue
   * type and project configured for Jira-only teams): the processor decides from the
   * raw issue. Only used while the change has no change request.
   */
  createFrom?: Link | null;
  /** Active governance findings of the change (DESIGN §8 write-back); none by default. */
  findings?: readonly Finding[];
  /** The change's pull/merge requests: their head commits get the governance status. */
  codeChanges?: readonly CodeChange[];
}

export function planChange(input: PlanInput): PlannedCommand[] {
  const { change, links, settings } = input;
  const commands: PlannedCommand[] = [];
  const changeRequest = links.find((l) => l.system === 'servicenow' && l.kind === 'change_request');
  for (const link of links) {
    const mapping = input.mappingFor(link);
    if (mapping && (link.system === 'servicenow' || link.system === 'jira')) {
      const cmd = planFields(change, link, mapping);
      if (cmd) commands.push(cmd);
    }
    if (link.system === 'jira' && link.kind === 'issue' && changeRequest) {
      commands.push(...jiraLinkCommands(change, link, changeRequest, settings));
      commands.push(
        ...jiraApprovalCommands(change, link, settings.jiraWriteBack, input.findings ?? []),
      );
    }
  }
  if (input.findings && input.codeChanges) {
    const withRequest = changeRequest ? links : links.filter((l) => l.system !== 'jira');
    commands.push(
      ...planFindings({
        change,
        // Jira issues of a change without a change request hear about findings once it exists.
        links: withRequest,
        findings: input.findings,
        codeChanges: input.codeChanges,
        jiraComments: settings.jiraWriteBack.comments,
      }),
    );
  }
  const create = planCreate(input, changeRequest);
  if (create) commands.push(create);
  return commands;
}

/** The mirrored and written-only fields of one record, when it does not show them yet. */
function planFields(change: Change, link: Link, mapping: CompiledMapping): PlannedCommand | null {
  const names = writtenFields(mapping);
  if (names.length === 0) return null;
  const values = change as unknown as Record<string, unknown>;
  const base = link.syncState?.base ?? {};
  // A field the record never carried (base unknown) needs no write while it is empty.
  const shows = names.every((n) =>
    Object.prototype.hasOwnProperty.call(base, n)
      ? sameValue(base[n], values[n])
      : values[n] === null || values[n] === undefined || values[n] === '',
  );
  if (shows) return null; // the record already shows every value
  const desiredHash = projectionHash(names, values);
  if (link.syncState?.written.fields === desiredHash) return null;
  const canonical: Record<string, unknown> = {};
  for (const n of names) canonical[n] = values[n];
  const reversed = mapping.reverse(canonical);
  if (reversed.writes.length === 0) return null;
  const desired: Record<string, unknown> = {};
  for (const n of names) desired[n] = jsonValue(values[n]);
  const head = envelope(link, 'fields', desiredHash, desired);
  const key = commandKey(link, 'fields', desiredHash);
  const common = {
    idempotencyKey: key,
    changeId: change.id,
    targetSystem: link.system,
    connection: link.connection,
    supersedes: `${link.recordId}|fields|`,
  };
  if (link.system === 'servicenow') {
    return {
      ...common,
      operation: 'servicenow.update_change',
      target: link.externalId,
      payload: { ...head, fields: serviceNowFields(reversed.patch) },
    };
  }
  const fields = (reversed.patch.fields ?? reversed.patch) as Record<string, unknown>;
  return {
    ...common,
    operation: 'jira.edit',
    target: link.externalKey ?? link.externalId,
    payload: { ...head, fields: { ...fields } },
  };
}

/** ServiceNow takes every value as a string; empty clears. */
export function serviceNowFields(patch: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || v === undefined) out[k] = '';
    else if (typeof v === 'string') out[k] = v;
    else if (v instanceof Date) out[k] = v.toISOString().slice(0, 19).replace('T', ' ');
    else if (typeof v === 'object') out[k] = JSON.stringify(v);
    else out[k] = String(v as number | boolean);
  }
  return out;
}

/** A Jira issue of a change that has a change request: its number and a remote link. */
function jiraLinkCommands(
  change: Change,
  link: Link,
  changeRequest: Link,
  settings: PlannerSettings,
): PlannedCommand[] {
  const out: PlannedCommand[] = [];
  const issue = link.externalKey ?? link.externalId;
  const number = changeRequest.externalKey ?? change.key;
  const numberHash = digest(number);
  if (link.syncState?.written.number !== numberHash) {
    out.push({
      idempotencyKey: commandKey(link, 'number', numberHash),
      changeId: change.id,
      targetSystem: 'jira',
      connection: link.connection,
      operation: 'jira.edit',
      target: issue,
      payload: {
        ...envelope(link, 'number', numberHash),
        fields: { [settings.jiraOnly.changeNumberField]: number },
      },
      supersedes: `${link.recordId}|number|`,
    });
  }
  const remoteHash = digest(changeRequest.recordId);
  if (changeRequest.url && link.syncState?.written['remote-link'] !== remoteHash) {
    out.push({
      idempotencyKey: commandKey(link, 'remote-link', remoteHash),
      changeId: change.id,
      targetSystem: 'jira',
      connection: link.connection,
      operation: 'jira.remote_link',
      target: issue,
      payload: {
        ...envelope(link, 'remote-link', remoteHash),
        globalId: changeRequest.recordId,
        url: changeRequest.url,
        title: `${number}: ${change.title}`.slice(0, 255),
        summary: 'ServiceNow change request (linked by changebridge)',
        relationship: 'is implemented by change',
      },
      supersedes: null,
    });
  }
  return out;
}

/** A Jira-only team's change: create its change request once (DESIGN §4). */
function planCreate(input: PlanInput, changeRequest: Link | undefined): PlannedCommand | null {
  const { change, settings } = input;
  const from = input.createFrom;
  if (changeRequest || !from || !settings.jiraOnly.enabled) return null;
  if (settings.systemOfRecord !== 'servicenow' || !settings.servicenowConnection) return null;
  const fields: Record<string, string> = { ...settings.jiraOnly.defaults };
  fields.short_description = change.title.slice(0, 160);
  if (change.description) fields.description = change.description;
  // Linked both ways: the change request names its Jira issue, the issue gets a remote link.
  fields.correlation_display = (from.externalKey ?? from.externalId).slice(0, 100);
  if (change.justification) fields.justification = change.justification;
  if (change.plannedStart) fields.start_date = serviceNowFields({ d: change.plannedStart }).d!;
  if (change.plannedEnd) fields.end_date = serviceNowFields({ d: change.plannedEnd }).d!;
  return {
    idempotencyKey: `create|${change.id}|servicenow:${settings.servicenowConnection}`,
    changeId: change.id,
    targetSystem: 'servicenow',
    connection: settings.servicenowConnection,
    operation: 'servicenow.create_change',
    target: correlationId(change.id),
    payload: { fields },
    supersedes: null,
  };
}

/** The correlation id a created change request carries: finds its change again. */
export function correlationId(changeId: string): string {
  return `changebridge:${changeId}`;
}

export function changeIdFromCorrelation(value: unknown): string | null {
  if (typeof value !== 'string' || !value.startsWith('changebridge:')) return null;
  const id = value.slice('changebridge:'.length);
  return isUuid(id) ? id : null;
}
