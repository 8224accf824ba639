/** One link of the tamper-evident audit chain (DESIGN §3). */
export interface AuditEvent {
  seq: number;
  at: Date;
  /** `system:<name>` or a Person id. */
  actor: string;
  action: string;
  subject: string;
  data: unknown;
  prevHash: string;
  hash: string;
}

/** prevHash of the first event in a chain. */
export const GENESIS_HASH = '0'.repeat(64);
