import { AuditLog } from '../../src/audit/index.js';
import { parseConfigText, type LoadedConfig } from '../../src/config/index.js';
import { createSyncRuntime, type SyncRuntime } from '../../src/composition/sync.js';
import type { App } from '../../src/main.js';
import { createMemoryLogger, systemClock, type Clock } from '../../src/runtime/index.js';
import { createStore, type Database } from '../../src/store/index.js';
import {
  DEFAULT_SIM_USER,
  startServiceNowSimulator,
  type ServiceNowSimulator,
  type ServiceNowSimulatorOptions,
} from '../../connectors/servicenow/simulator.js';
import { JiraSimulator, type JiraSimulatorOptions } from '../../connectors/jira/simulator.js';

/**
 * A ServiceNow and a Jira simulator on loopback and a changebridge configuration pointing
 * at them: what sync integration tests, e2e tests and the demo share.
 */
export interface SimWorld {
  servicenow: ServiceNowSimulator;
  jira: JiraSimulator;
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startSimWorld(
  options: { servicenow?: ServiceNowSimulatorOptions; jira?: JiraSimulatorOptions } = {},
): Promise<SimWorld> {
  const servicenow = await startServiceNowSimulator(options.servicenow ?? {});
  const jira = new JiraSimulator({
    webhooks: { retryDelaysMs: [200, 1000, 3000] },
    ...options.jira,
  });
  await jira.start();
  return {
    servicenow,
    jira,
    env: {
      SN_PASSWORD: DEFAULT_SIM_USER.password,
      JIRA_TOKEN: jira.apiToken,
      SN_WEBHOOK: 'sn-webhook-secret-for-tests',
      JIRA_WEBHOOK: 'jira-webhook-secret-for-tests',
    },
    async close() {
      await jira.stop();
      await servicenow.stop();
    },
  };
}

export function worldConfigYaml(
  world: SimWorld,
  databaseUrl: string,
  extra: { serverPort?: number; poll?: string; more?: string; logLevel?: string } = {},
): string {
  return `database:
  url: '${databaseUrl}'
server:
  port: ${extra.serverPort ?? 8080}
logging:
  level: ${extra.logLevel ?? 'debug'}
http:
  defaults:
    intervalCap: 10000
    baseBackoffMs: 5
    maxBackoffMs: 200
connections:
  servicenow:
    baseUrl: ${world.servicenow.url}
    auth:
      type: basic
      username: ${DEFAULT_SIM_USER.userName}
      password: \${SN_PASSWORD}
    webhook:
      header: X-Changebridge-Secret
      secrets: ['\${SN_WEBHOOK}']
    overlapSeconds: 5
  jira:
    baseUrl: ${world.jira.url}
    auth:
      type: basic
      email: ${world.jira.email}
      apiToken: \${JIRA_TOKEN}
    webhook:
      secrets: ['\${JIRA_WEBHOOK}']
    projects: [OPS, PAY]
    fields: [customfield_10100, customfield_10101, customfield_10102, customfield_10103]
    overlapSeconds: 5
schedules:
  poll: '${extra.poll ?? '*/5 * * * *'}'
${extra.more ?? ''}`;
}

/** Points the simulators' webhooks (business rule, Jira admin webhook) at a daemon. */
export function sendWebhooksTo(world: SimWorld, daemonUrl: string): void {
  world.servicenow.setBusinessRule({
    url: `${daemonUrl}/webhooks/servicenow`,
    header: 'X-Changebridge-Secret',
    secret: world.env.SN_WEBHOOK!,
  });
  world.jira.webhooks.register({
    url: `${daemonUrl}/webhooks/jira`,
    secret: world.env.JIRA_WEBHOOK!,
  });
}

export interface SyncHarness {
  runtime: SyncRuntime;
  app: App;
  loaded: LoadedConfig;
  logs(): string;
}

export function openSyncHarness(
  world: SimWorld,
  db: Database,
  opts: { clock?: Clock; more?: string } = {},
): SyncHarness {
  const loaded = parseConfigText(
    worldConfigYaml(world, 'sqlite::memory:', { ...(opts.more ? { more: opts.more } : {}) }),
    { file: 'test.yaml', env: world.env },
  );
  const clock = opts.clock ?? systemClock;
  const app: App = {
    store: createStore(db),
    audit: new AuditLog(db),
    clock,
    close: () => db.close(),
  };
  const memory = createMemoryLogger();
  const runtime = createSyncRuntime(
    app,
    loaded,
    { env: world.env, cwd: process.cwd(), clock },
    memory.logger,
    {
      workerId: 'test-worker',
    },
  );
  return { runtime, app, loaded, logs: () => memory.text() };
}
