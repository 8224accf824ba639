import type { KeyPatterns } from '../../src/model/index.js';
import type { Clock, HttpClientFactory, Logger } from '../../src/runtime/index.js';

/**
 * Everything the GitHub connector needs, as plain values. The composition root maps the
 * `connections[].github` config block onto this; the connector never reads config itself.
 */
export type GitHubAuthOptions =
  | { type: 'token'; token: string }
  | {
      type: 'app';
      appId: number;
      /** PEM (PKCS#1 or PKCS#8) private key of the GitHub App. */
      privateKey: string;
      /** Installation to act as; protection-rule callbacks use the one in the payload. */
      installationId?: number;
    };

export interface GitHubConnectorOptions {
  /** Connection name from config, e.g. `github`. */
  name: string;
  /** `https://api.github.com` or `https://<host>/api/v3` (GHES). */
  apiUrl: string;
  auth: GitHubAuthOptions;
  /** Webhook secrets; several at once while rotating. Empty: every webhook is rejected. */
  webhookSecrets: readonly string[];
  /** `owner/repo` repositories polled for pull requests and deployments. */
  repositories: readonly string[];
  keyPatterns?: KeyPatterns;
  /** Re-read this much before the cursor (clock skew, same-second updates). Default 2 min. */
  pollOverlapMs?: number;
  /** First poll without a cursor starts this far back. Default 30 days. */
  initialLookbackMs?: number;
  /**
   * Deployments cannot be listed by `updated_at`; a status added to an old deployment is
   * found by scanning deployments created up to this long before the cursor. Default 14 days.
   */
  deploymentLookbackMs?: number;
  /** Commit status / check run name. Default `changebridge/governance`. */
  statusContext?: string;
  /** Link shown on statuses and check runs (e.g. the gate API or a report). */
  detailsUrl?: string;
  /** Max size of a webhook body; larger answers 413. Default 25 MiB (GitHub's cap). */
  maxBodyBytes?: number;
}

export interface GitHubConnectorDeps {
  http: HttpClientFactory;
  logger: Logger;
  clock: Clock;
}

export const DEFAULT_STATUS_CONTEXT = 'changebridge/governance';
/** Hidden marker that identifies changebridge's own PR comment, so it is updated in place. */
export const COMMENT_MARKER = '<!-- changebridge:governance -->';
