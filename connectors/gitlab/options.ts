import type { KeyPatterns } from '../../src/model/index.js';

/**
 * Everything the GitLab connector needs, as plain values: the composition root maps the
 * `connections[].gitlab` config block onto this (the connector never reads config itself).
 * Secrets are lists so they can be rotated: every listed value is accepted until removed.
 */
export interface GitLabConnectorOptions {
  /** Connection name, e.g. `gl`: the `<connection>` segment of every source id. */
  connection: string;
  /** `https://gitlab.com` or a self-managed instance; the API lives under `/api/v4`. */
  baseUrl: string;
  /** Personal, project or group access token, sent as `PRIVATE-TOKEN`. */
  token: string;
  /** Project paths (`group/project`) polled and accepted; empty accepts any project's hooks. */
  projects: readonly string[];
  webhook?: {
    /** Accepted `X-Gitlab-Token` values (plain shared secret, compared in constant time). */
    tokens?: readonly string[];
    /** Standard-Webhooks signing tokens (`whsec_<base64>` or raw); when set, a valid signature is required. */
    signingTokens?: readonly string[];
    /** HMAC secrets of external status checks (`X-GitLab-Signature`). */
    statusCheckSecrets?: readonly string[];
    /** Allowed distance between `webhook-timestamp` and now. Default 5 minutes. */
    toleranceMs?: number;
  };
  poll?: {
    /** Re-read this much before the cursor (clock skew, late commits). Default 2 minutes. */
    overlapMs?: number;
    /** Where a stream without a cursor starts. Default: 30 days before the run. */
    initialLookbackMs?: number;
    /** Page size, 1..100. Default 100. */
    perPage?: number;
  };
  writeback?: {
    /** Commit status name shown on the MR. Default `changebridge/governance`. */
    statusName?: string;
  };
  keyPatterns?: KeyPatterns;
}

export const DEFAULT_STATUS_NAME = 'changebridge/governance';
export const DEFAULT_TOLERANCE_MS = 5 * 60_000;
export const DEFAULT_OVERLAP_MS = 2 * 60_000;
export const DEFAULT_LOOKBACK_MS = 30 * 24 * 3_600_000;
/** Marks the one note changebridge owns on an MR, so it is found and updated in place. */
export const NOTE_MARKER = '<!-- changebridge:governance -->';
