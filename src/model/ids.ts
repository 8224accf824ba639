import { isSystemName, type SystemName } from './enums.js';

/**
 * Deterministic source-record ids: `<system>:<kind>:<connection>:<externalId>` (DESIGN §3).
 * `system`, `kind` and `connection` are identifiers (no `:`); the external id is free text
 * (GitHub's `owner/repo#12` or a ServiceNow sys_id) and may itself contain `:`.
 */
export interface SourceRef {
  system: SystemName;
  kind: string;
  connection: string;
  externalId: string;
}

const SEGMENT = /^[a-z0-9][a-z0-9_.-]*$/i;

export class InvalidIdError extends Error {
  constructor(message: string) {
    super(`[changebridge/model] ${message}`);
    this.name = 'InvalidIdError';
  }
}

function checkSegment(name: string, value: string): void {
  if (!SEGMENT.test(value)) {
    throw new InvalidIdError(
      `${name} "${value}" is not a valid id segment (expected letters, digits, "_", "." or "-", no ":")`,
    );
  }
}

export function sourceId(ref: SourceRef): string {
  checkSegment('system', ref.system);
  checkSegment('kind', ref.kind);
  checkSegment('connection', ref.connection);
  if (ref.externalId.length === 0) throw new InvalidIdError('externalId must not be empty');
  return `${ref.system}:${ref.kind}:${ref.connection}:${ref.externalId}`;
}

export function parseSourceId(id: string): SourceRef {
  const parts = id.split(':');
  if (parts.length < 4) {
    throw new InvalidIdError(
      `"${id}" is not a source id (expected <system>:<kind>:<connection>:<externalId>)`,
    );
  }
  const [system, kind, connection] = parts as [string, string, string];
  const externalId = parts.slice(3).join(':');
  if (!isSystemName(system)) {
    throw new InvalidIdError(`"${id}" names unknown system "${system}"`);
  }
  const ref: SourceRef = { system, kind, connection, externalId };
  // Re-validate through the builder so parse(build(x)) and build(parse(y)) agree.
  sourceId(ref);
  return ref;
}

/** Identity of one person in one system, e.g. `jira:5b10ac8d82e05b22cc7d4ef5`. */
export function identityId(system: SystemName, externalUserId: string): string {
  if (externalUserId.length === 0) throw new InvalidIdError('user id must not be empty');
  return system === 'servicenow'
    ? `servicenow:sys_user:${externalUserId}`
    : `${system}:${externalUserId}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
