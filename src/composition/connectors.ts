/**
 * Part of the composition root: turns the validated configuration into concrete
 * connectors. Connectors never read the config themselves (DESIGN §11: they import only
 * src/model and src/runtime); this file is where config names meet connector options.
 */
import { createGitHubConnector } from '../../connectors/github/index.js';
import { createGitLabConnector } from '../../connectors/gitlab/index.js';
import { DEFAULT_FIELDS, createJiraConnector } from '../../connectors/jira/index.js';
import { createServiceNowConnector } from '../../connectors/servicenow/index.js';
import type { Config } from '../config/index.js';
import type { Connector, KeyPatterns } from '../model/index.js';
import {
  createHttpClientFactory,
  type Clock,
  type HttpClientFactory,
  type HttpClientFactoryOptions,
  type Logger,
} from '../runtime/index.js';

export interface ConnectorDeps {
  http: HttpClientFactory;
  logger: Logger;
  clock: Clock;
}

const SECOND = 1000;
const DAY = 86_400 * SECOND;

/**
 * One HTTP factory for the process: one queue per outside host, shared by every connector.
 * `onMetric` feeds the Prometheus counters (src/report/metrics.ts `onHttpMetric`).
 */
export function createHttpFactory(
  config: Config,
  logger: Logger,
  clock: Clock,
  onMetric?: HttpClientFactoryOptions['onMetric'],
): HttpClientFactory {
  return createHttpClientFactory({
    ...config.http,
    logger,
    clock,
    ...(onMetric ? { onMetric } : {}),
  });
}

/** Every configured connection, as a connector. */
export function createConnectors(config: Config, deps: ConnectorDeps): Connector[] {
  const c = config.connections;
  const keyPatterns: KeyPatterns = config.linking;
  const connectors: Connector[] = [];
  if (c.servicenow) {
    connectors.push(createServiceNowConnector(c.servicenow, deps));
  }
  if (c.jira) {
    const j = c.jira;
    connectors.push(
      createJiraConnector(
        {
          connection: j.name,
          baseUrl: j.baseUrl,
          auth: j.auth,
          webhookSecrets: j.webhook?.secrets ?? [],
          projects: j.projects,
          issueTypes: j.issueTypes,
          fields: [...new Set([...DEFAULT_FIELDS, ...j.fields])],
          overlapSeconds: j.overlapSeconds,
          timeZone: j.timeZone,
          pageSize: j.pageSize,
          ...(j.startFrom ? { startFrom: new Date(j.startFrom) } : {}),
        },
        deps,
      ),
    );
  }
  if (c.github) {
    const g = c.github;
    connectors.push(
      createGitHubConnector(
        {
          name: g.name,
          apiUrl: g.apiUrl,
          auth: g.auth,
          webhookSecrets: g.webhook?.secrets ?? [],
          repositories: g.repositories,
          keyPatterns,
          pollOverlapMs: g.overlapSeconds * SECOND,
          initialLookbackMs: g.initialLookbackDays * DAY,
          deploymentLookbackMs: g.deploymentLookbackDays * DAY,
          statusContext: g.statusContext,
          ...(g.detailsUrl ? { detailsUrl: g.detailsUrl } : {}),
          maxBodyBytes: config.server.bodyLimitBytes,
        },
        deps,
      ),
    );
  }
  if (c.gitlab) {
    const g = c.gitlab;
    const hook = g.webhook;
    connectors.push(
      createGitLabConnector(
        {
          connection: g.name,
          baseUrl: g.baseUrl,
          token: g.auth.token,
          projects: g.projects,
          webhook: {
            tokens: hook?.token ? [hook.token] : [],
            signingTokens: hook?.signingToken ? [hook.signingToken] : [],
            statusCheckSecrets: hook?.statusCheckSecret ? [hook.statusCheckSecret] : [],
            toleranceMs: (hook?.toleranceSeconds ?? 300) * SECOND,
          },
          poll: {
            overlapMs: g.overlapSeconds * SECOND,
            initialLookbackMs: g.initialLookbackDays * DAY,
            perPage: g.pageSize,
          },
          writeback: { statusName: g.statusName },
          keyPatterns,
        },
        deps,
      ),
    );
  }
  return connectors;
}
