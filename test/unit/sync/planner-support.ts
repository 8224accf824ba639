import { readFileSync } from 'node:fs';
import { buildMappingSet, type MappingSet } from '../../../src/mapping/index.js';
import {
  emptyChange,
  type Change,
  type Link,
  type LinkSyncState,
} from '../../../src/model/index.js';
import type { PlanInput, PlannerSettings } from '../../../src/sync/planner.js';

/** Real shipped mappings, hand-built changes and links, and settings for planner tests. */

const ROOT = new URL('../../../', import.meta.url).pathname;

let mappings: MappingSet | undefined;
export function shippedMappings(): MappingSet {
  mappings ??= buildMappingSet(
    ['servicenow.change_request.yaml', 'jira.issue.yaml'].map((path) => ({
      path,
      text: readFileSync(`${ROOT}mappings/${path}`, 'utf8'),
    })),
    'mappings',
  );
  return mappings;
}

export const CHANGE_ID = '2d711642-b726-5044-8162-7ca9fbac32f5';
export const SYS_ID = 'c83c5e5347c12200e0ef563dbb9a7190';
export const SN_RECORD = `servicenow:change_request:sn-prod:${SYS_ID}`;
export const JIRA_RECORD = 'jira:issue:jira-cloud:10042';
export const SN_URL = `https://acme.service-now.com/nav_to.do?uri=change_request.do?sys_id=${SYS_ID}`;

export function change(over: Partial<Change> = {}): Change {
  return {
    ...emptyChange(
      CHANGE_ID,
      { key: 'CHG0030001', title: 'Rotate API keys', tenant: 'default' },
      new Date('2026-03-01T08:00:00Z'),
    ),
    description: 'Rotate the signing keys of the public API.',
    justification: 'Keys are 13 months old.',
    ...over,
  };
}

const UPDATED = new Date('2026-03-01T08:00:00Z');

export function snLink(over: Partial<Link> = {}): Link {
  return {
    changeId: CHANGE_ID,
    recordId: SN_RECORD,
    system: 'servicenow',
    connection: 'sn-prod',
    kind: 'change_request',
    externalId: SYS_ID,
    externalKey: 'CHG0030001',
    url: SN_URL,
    sourceVersion: null,
    lastReadHash: null,
    lastWrittenHash: null,
    updatedAt: UPDATED,
    ...over,
  };
}

export function jiraLink(over: Partial<Link> = {}): Link {
  return {
    changeId: CHANGE_ID,
    recordId: JIRA_RECORD,
    system: 'jira',
    connection: 'jira-cloud',
    kind: 'issue',
    externalId: '10042',
    externalKey: 'OPS-42',
    url: 'https://acme.atlassian.net/browse/OPS-42',
    sourceVersion: null,
    lastReadHash: null,
    lastWrittenHash: null,
    updatedAt: UPDATED,
    ...over,
  };
}

/** A sync state whose base shows the change's mirrored values exactly. */
export function agreed(c: Change, written: Record<string, string> = {}): LinkSyncState {
  return {
    base: { title: c.title, description: c.description, justification: c.justification },
    written,
  };
}

export function settings(over: Partial<PlannerSettings> = {}): PlannerSettings {
  return {
    systemOfRecord: 'servicenow',
    servicenowConnection: 'sn-prod',
    jiraOnly: {
      enabled: true,
      defaults: { assignment_group: 'CAB', type: 'normal' },
      changeNumberField: 'customfield_10100',
    },
    jiraWriteBack: {
      labels: true,
      property: true,
      comments: true,
      transitions: { approved: null, rejected: null },
    },
    ...over,
  };
}

export function input(c: Change, links: Link[], over: Partial<PlanInput> = {}): PlanInput {
  return {
    change: c,
    links,
    mappingFor: (l) => shippedMappings().get(l.system, l.kind),
    settings: settings(),
    ...over,
  };
}
