import type { SystemName } from './enums.js';

/**
 * What polling and webhooks both produce (DESIGN §2). `deliveryKey` makes it unique per
 * source: a webhook delivery id, or for polled records `<kind>:<id>@<updated stamp>`.
 */
export interface SourceEvent {
  system: SystemName;
  connection: string;
  /** `<system>:<connection>`: the inbox's uniqueness scope. */
  source: string;
  deliveryKey: string;
  /** Record kind, e.g. `change_request`, `issue`, `pull_request`. */
  kind: string;
  /** Event name as the source calls it, e.g. `jira:issue_updated`, `poll`. */
  event: string;
  externalId: string | null;
  receivedAt: Date;
  /** True when the payload must be re-read through the API before mapping (DESIGN §2). */
  thin: boolean;
  payload: unknown;
}

export function eventSource(system: SystemName, connection: string): string {
  return `${system}:${connection}`;
}

export function pollDeliveryKey(kind: string, externalId: string, updatedStamp: string): string {
  return `${kind}:${externalId}@${updatedStamp}`;
}
