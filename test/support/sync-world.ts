import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createHttpServer, databaseReadiness } from '../../src/api/index.js';
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
import { adfToText } from '../../src/mapping/adf.js';
import { APPROVAL_LABELS, BLOCKED_LABEL } from '../../src/sync/plan-jira.js';

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

/** Per-host HTTP limits (config `http.defaults`); unset keys keep the test defaults. */
export interface WorldHttpDefaults {
  concurrency?: number;
  intervalCap?: number;
  intervalMs?: number;
  maxRetries?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
}

export function worldConfigYaml(
  world: SimWorld,
  databaseUrl: string,
  extra: {
    serverPort?: number;
    poll?: string;
    more?: string;
    logLevel?: string;
    http?: WorldHttpDefaults;
    /** More entries under `connections:` (two-space indented), e.g. a github block. */
    connectionsMore?: string;
  } = {},
): string {
  const http: WorldHttpDefaults = {
    intervalCap: 10000,
    baseBackoffMs: 5,
    maxBackoffMs: 200,
    ...extra.http,
  };
  const httpLines = Object.entries(http)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `    ${k}: ${v}`)
    .join('\n');
  return `database:
  url: '${databaseUrl}'
server:
  port: ${extra.serverPort ?? 8080}
logging:
  level: ${extra.logLevel ?? 'debug'}
http:
  defaults:
${httpLines}
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
${extra.connectionsMore ?? ''}
schedules:
  poll: '${extra.poll ?? '*/5 * * * *'}'
${extra.more ?? ''}`;
}

/**
 * Points the simulators' webhooks (business rule, Jira admin webhook) at a daemon; `only`
 * points just one of them (replicas: each sender at a different daemon). Jira keeps every
 * registration, so register a daemon URL once, not on each restart.
 */
export function sendWebhooksTo(
  world: SimWorld,
  daemonUrl: string,
  only?: 'servicenow' | 'jira',
): void {
  if (only !== 'jira') {
    world.servicenow.setBusinessRule({
      url: `${daemonUrl}/webhooks/servicenow`,
      header: 'X-Changebridge-Secret',
      secret: world.env.SN_WEBHOOK!,
    });
  }
  if (only !== 'servicenow') {
    world.jira.webhooks.register({
      url: `${daemonUrl}/webhooks/jira`,
      secret: world.env.JIRA_WEBHOOK!,
    });
  }
}

/**
 * Effects that must never happen twice, whatever crashed or ran concurrently (DESIGN §2):
 * one line per repeat — a comment text twice on a Jira issue, a work note twice on a
 * ServiceNow record, two change requests carrying one changebridge correlation id.
 */
export function repeatedEffects(world: SimWorld): string[] {
  const out: string[] = [];
  const repeats = (label: string, values: string[]) => {
    const seen = new Map<string, number>();
    for (const v of values) seen.set(v, (seen.get(v) ?? 0) + 1);
    for (const [v, n] of seen) if (n > 1) out.push(`${label}: ${n}× ${v.slice(0, 160)}`);
  };
  for (const issue of world.jira.state.issues.values()) {
    repeats(
      `jira ${issue.key} comment`,
      issue.comments.map((c) => JSON.stringify(c.body)),
    );
  }
  const notes = new Map<string, string[]>();
  for (const j of world.servicenow.state.table('sys_journal_field').values()) {
    if (j.element !== 'work_notes') continue;
    const key = `${j.name}/${j.element_id}`;
    notes.set(key, [...(notes.get(key) ?? []), j.value ?? '']);
  }
  for (const [record, values] of notes) repeats(`servicenow ${record} work note`, values);
  repeats(
    'servicenow change_request correlation_id',
    createdChangeRequests(world).map((r) => r.correlation_id!),
  );
  return out;
}

/** Change requests changebridge created (correlation id `changebridge:<change id>`). */
export function createdChangeRequests(world: SimWorld): Record<string, string>[] {
  return [...world.servicenow.state.table('change_request').values()].filter((r) =>
    (r.correlation_id ?? '').startsWith('changebridge:'),
  );
}

const SN_APPROVAL: Record<string, keyof typeof APPROVAL_LABELS> = {
  requested: 'requested',
  approved: 'approved',
  rejected: 'rejected',
};

/**
 * What still keeps the simulators and the canonical store apart; empty once a daemon has
 * converged: every change request is a canonical change with its title, every Jira issue
 * is linked and shows the approval label of its change request (none without one), each
 * of `jiraOnlyKeys` has exactly one change request created for it and shows its number,
 * and the inbox and outbox hold only finished rows (no pending, processing or dead ones).
 */
export async function convergenceProblems(
  world: SimWorld,
  db: Database,
  jiraOnlyKeys: readonly string[],
): Promise<string[]> {
  const q = async <T>(sql: string): Promise<T[]> => (await db.dataSource.query(sql)) as T[];
  const problems: string[] = [];
  const changes = await q<{ id: string; change_key: string; title: string }>(
    'SELECT id, change_key, title FROM changes',
  );
  const byKey = new Map(changes.map((c) => [c.change_key, c]));
  const byId = new Map(changes.map((c) => [c.id, c]));
  const requests = [...world.servicenow.state.table('change_request').values()];
  const byNumber = new Map(requests.map((r) => [r.number!, r]));
  for (const r of requests) {
    const c = byKey.get(r.number!);
    if (!c) problems.push(`servicenow ${r.number}: no canonical change`);
    else if (c.title !== r.short_description)
      problems.push(`servicenow ${r.number}: title "${c.title}", not "${r.short_description}"`);
  }
  const links = await q<{ change_id: string; external_key: string | null }>(
    "SELECT change_id, external_key FROM links WHERE system_name = 'jira'",
  );
  const changeOf = new Map(links.map((l) => [l.external_key ?? '', byId.get(l.change_id)]));
  const blocked = new Set(
    (
      await q<{ change_id: string }>(
        "SELECT DISTINCT change_id FROM findings WHERE status = 'open' AND blocking = 1",
      )
    ).map((r) => r.change_id),
  );
  const created = createdChangeRequests(world);
  for (const issue of world.jira.state.issues.values()) {
    const change = changeOf.get(issue.key);
    if (!change) {
      problems.push(`jira ${issue.key}: no canonical change`);
      continue;
    }
    const number = issue.customFields.customfield_10100;
    const request = typeof number === 'string' ? byNumber.get(number) : undefined;
    if (!request && change.title !== issue.summary)
      problems.push(`jira ${issue.key}: title "${change.title}", not "${issue.summary}"`);
    const label = request
      ? APPROVAL_LABELS[SN_APPROVAL[request.approval!] ?? 'not_requested']
      : null;
    // change-blocked while a blocking finding is open (governance), once linked to a request.
    const want = [label, request && blocked.has(change.id) ? BLOCKED_LABEL : null]
      .filter((l): l is string => l !== null)
      .join(',');
    const shown = issue.labels.filter((l) => l.startsWith('change-')).join(',');
    if (shown !== want) problems.push(`jira ${issue.key}: labels [${shown}], want [${want}]`);
    if (jiraOnlyKeys.includes(issue.key)) {
      const mine = created.filter((r) => r.correlation_id === `changebridge:${change.id}`);
      if (mine.length !== 1 || mine[0]!.number !== number)
        problems.push(
          `jira ${issue.key}: created [${mine.map((r) => r.number).join(',')}], shows ${String(number)}`,
        );
    }
  }
  const finished: Record<string, string[]> = {
    inbox_events: ['done', 'ignored'],
    outbox_commands: ['done', 'superseded'],
  };
  for (const [table, ok] of Object.entries(finished)) {
    const counts = await q<{ status: string; n: number | string }>(
      `SELECT status, COUNT(*) AS n FROM ${table} GROUP BY status`,
    );
    for (const c of counts)
      if (!ok.includes(c.status)) problems.push(`${table}: ${Number(c.n)} ${c.status}`);
  }
  const [dead] = await q<{ n: number | string }>('SELECT COUNT(*) AS n FROM dead_letters');
  if (Number(dead?.n ?? 0) > 0) problems.push(`dead_letters: ${Number(dead!.n)}`);
  return problems;
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
  opts: {
    clock?: Clock;
    more?: string;
    connectionsMore?: string;
    env?: Record<string, string>;
  } = {},
): SyncHarness {
  const loaded = parseConfigText(
    worldConfigYaml(world, 'sqlite::memory:', {
      ...(opts.more ? { more: opts.more } : {}),
      ...(opts.connectionsMore ? { connectionsMore: opts.connectionsMore } : {}),
    }),
    { file: 'test.yaml', env: { ...world.env, ...opts.env } },
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
    { env: { ...world.env, ...opts.env }, cwd: process.cwd(), clock },
    memory.logger,
    {
      workerId: 'test-worker',
    },
  );
  return { runtime, app, loaded, logs: () => memory.text() };
}

/**
 * The comments changebridge wrote about a change's approval in ServiceNow ("… was
 * approved in ServiceNow"), as opposed to governance findings or gate answers.
 */
export function approvalComments(issue: { comments: { body: unknown }[] }): unknown[] {
  return issue.comments.filter((c) => (adfToText(c.body) ?? '').includes('in ServiceNow'));
}

/**
 * The harness's HTTP side (webhooks and the gate API) on a free loopback port, as the
 * daemon serves it: for in-process tests whose simulators deliver webhooks.
 */
export async function serveHarness(
  h: SyncHarness,
): Promise<{ server: FastifyInstance; url: string }> {
  const server = createHttpServer({
    store: h.app.store,
    connectors: h.runtime.connectors,
    metrics: h.runtime.metrics,
    logger: h.runtime.logger,
    bodyLimitBytes: 1_048_576,
    ready: databaseReadiness(h.app.store.db),
    gate: h.runtime.decideGate,
  });
  await server.listen({ host: '127.0.0.1', port: 0 });
  return { server, url: `http://127.0.0.1:${(server.server.address() as AddressInfo).port}` };
}
