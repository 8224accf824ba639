import type { MappingSet } from '../mapping/index.js';
import type { Connector, Link, SourceEvent } from '../model/index.js';
import type { FreshRecord, RecordFacts } from '../reconcile/index.js';
import { mirroredFields } from './merge.js';
import { rawField, recordVersion } from './record-facts.js';

/**
 * Reconciliation's fresh read (DESIGN §7): every linked record of a page of changes, read
 * through its connector's batched `readMany`, mapped with the same mappings the sync uses.
 */
export interface FreshRead {
  record: FreshRecord;
  /** The event as read, for feeding back through the pipeline. */
  event: SourceEvent;
  /** The source's updated stamp now (compared with the link's last applied one). */
  version: string | null;
}

export interface ReadDeps {
  connectors: readonly Connector[];
  mappings: MappingSet;
  changeNumberField: string;
  signal?: AbortSignal;
}

/**
 * recordId → fresh read, or null when the system no longer returns the record. Links whose
 * connector cannot read their kind in bulk are left out (not read, not judged).
 */
export async function readLinked(
  deps: ReadDeps,
  links: readonly Link[],
  tenantOf: (changeId: string) => string,
): Promise<Map<string, FreshRead | null>> {
  const groups = new Map<string, Link[]>();
  for (const l of links) {
    const k = `${l.system}\u0000${l.connection}\u0000${l.kind}`;
    groups.set(k, [...(groups.get(k) ?? []), l]);
  }
  const out = new Map<string, FreshRead | null>();
  await Promise.all(
    [...groups.values()].map(async (group) => {
      const first = group[0]!;
      const connector = deps.connectors.find(
        (c) => c.system === first.system && c.connection === first.connection,
      );
      const kind = sourceKind(first);
      if (!connector?.readMany || !connector.readableKinds?.includes(kind)) return;
      const ids = [...new Set(group.map((l) => l.externalId))];
      const read = await connector.readMany(kind, ids, deps.signal);
      for (const link of group) {
        const event = read.get(link.externalId);
        out.set(
          link.recordId,
          event ? freshRead(deps, link, event, tenantOf(link.changeId)) : null,
        );
      }
    }),
  );
  return out;
}

/** Links store the record's kind; merge requests and deployments read under the same name. */
function sourceKind(link: Link): string {
  return link.kind;
}

function freshRead(
  deps: ReadDeps,
  link: Link,
  event: SourceEvent,
  tenant: string,
): FreshRead | null {
  const mapping = deps.mappings.get(link.system, event.kind, tenant);
  const raw = mapping ? mapping.unwrapRecord(event.payload) : event.payload;
  const values = mapping ? mapping.map(event.payload).patch : {};
  return {
    record: {
      recordId: link.recordId,
      system: link.system,
      kind: link.kind,
      key: link.externalKey,
      values,
      mirrored: mapping ? mirroredFields(mapping) : [],
      facts: factsOf(link, raw, event.payload, deps.changeNumberField),
    },
    event,
    version: safeVersion(link, raw),
  };
}

function safeVersion(link: Link, raw: unknown): string | null {
  try {
    return recordVersion(link.system, raw);
  } catch {
    return null;
  }
}

function factsOf(link: Link, raw: unknown, payload: unknown, numberField: string): RecordFacts {
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  switch (link.system) {
    case 'jira': {
      const labels = rawField(raw, ['fields', 'labels']);
      return {
        labels: Array.isArray(labels) ? labels.map(String) : [],
        changeNumber: str(rawField(raw, ['fields', numberField])),
        statusCategory: str(rawField(raw, ['fields', 'status', 'statusCategory', 'key'])),
      };
    }
    case 'servicenow': {
      const ref = rawField(raw, ['correlation_display']);
      const value =
        ref !== null && typeof ref === 'object' ? rawField(ref, ['display_value']) : ref;
      return link.kind === 'change_request' ? { jiraKey: str(value) } : {};
    }
    case 'github': {
      const state = str(rawField(payload, ['record', 'state'])) ?? str(rawField(raw, ['state']));
      return link.kind === 'pull_request' ? { open: state === 'open' } : {};
    }
    case 'gitlab': {
      const state = str(rawField(payload, ['summary', 'state']));
      return link.kind === 'merge_request' ? { open: state === 'opened' } : {};
    }
  }
}
