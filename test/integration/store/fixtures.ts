import { randomUUID } from 'node:crypto';
import {
  emptyChange,
  eventSource,
  type Change,
  type SourceEvent,
} from '../../../src/model/index.js';

export const T0 = new Date('2026-03-01T10:00:00.123Z');

export function at(offsetMs: number): Date {
  return new Date(T0.getTime() + offsetMs);
}

export function sourceEvent(n: number, overrides: Partial<SourceEvent> = {}): SourceEvent {
  return {
    system: 'jira',
    connection: 'jira',
    source: eventSource('jira', 'jira'),
    deliveryKey: `delivery-${n}`,
    kind: 'issue',
    event: 'jira:issue_updated',
    externalId: `1000${n}`,
    receivedAt: T0,
    thin: false,
    payload: { issue: { key: `OPS-${n}`, fields: { summary: `Change ${n} — ünïcode ✓` } } },
    ...overrides,
  };
}

export function change(key: string, overrides: Partial<Change> = {}): Change {
  return {
    ...emptyChange(randomUUID(), { key, title: `Title of ${key}`, tenant: 'default' }, T0),
    ...overrides,
  };
}
