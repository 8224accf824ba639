import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { stringify } from 'yaml';
import {
  startGitHubSimulator,
  type GitHubSimulator,
} from '../../connectors/github/simulator/index.js';
import { JiraSimulator } from '../../connectors/jira/simulator.js';
import {
  DEFAULT_SIM_USER,
  startServiceNowSimulator,
  type ServiceNowSimulator,
} from '../../connectors/servicenow/simulator.js';
import { AuditLog } from '../audit/index.js';
import { parseConfigText } from '../config/index.js';
import { startDaemon, type Daemon } from '../composition/daemon.js';
import { createSyncRuntime, type SyncRuntime } from '../composition/sync.js';
import type { App } from '../main.js';
import { pendingDepth } from '../report/index.js';
import { createLogger, registerSecret, systemClock } from '../runtime/index.js';
import { createStore, Database } from '../store/index.js';
import { actTwo, seedStory, type ActTwoFacts, type StoryFacts } from './story.js';
import { actThreeAudit, actThreeDrift, type ActThree } from './act-three.js';

/**
 * `changebridge demo`: simulators seeded with the story, the daemon on SQLite against
 * them, act one until everything converges, act two (approval, edits on both sides) until
 * it converges again. No configuration, no network beyond loopback.
 */

export interface DemoOptions {
  dir: string;
  port: number;
  /** Poll schedule (6-field cron with seconds). */
  poll: string;
  timeoutMs: number;
  quietMs: number;
  print: (line: string) => void;
}

export interface DemoWorld {
  servicenow: ServiceNowSimulator;
  jira: JiraSimulator;
  github: GitHubSimulator;
  runtime: SyncRuntime;
  daemon: Daemon;
  facts: StoryFacts;
  two: ActTwoFacts | null;
  three: ActThree | null;
  dbFile: string;
  logFile: string;
  stop(): Promise<void>;
}

const secret = () => randomBytes(18).toString('base64url');

type DemoEnv = Record<
  'SN_PASSWORD' | 'SN_WEBHOOK' | 'JIRA_TOKEN' | 'JIRA_WEBHOOK' | 'GITHUB_TOKEN' | 'GITHUB_WEBHOOK',
  string
>;

export async function startDemo(o: DemoOptions): Promise<DemoWorld> {
  const dir = resolve(o.dir);
  mkdirSync(dir, { recursive: true });
  const dbFile = resolve(dir, 'changebridge.db');
  for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) rmSync(f, { force: true });
  const logFile = resolve(dir, 'changebridge.log');
  const env: DemoEnv = {
    SN_PASSWORD: DEFAULT_SIM_USER.password,
    SN_WEBHOOK: secret(),
    JIRA_TOKEN: 'sim-api-token',
    JIRA_WEBHOOK: secret(),
    GITHUB_TOKEN: `ghp_demo${randomBytes(12).toString('hex')}`,
    GITHUB_WEBHOOK: secret(),
  };
  const cleanup: (() => Promise<unknown>)[] = [];
  try {
    return await startWorld(o, { dir, dbFile, logFile, env }, cleanup);
  } catch (error) {
    for (const fn of cleanup.reverse()) await fn().catch(() => undefined);
    throw error;
  }
}

async function startWorld(
  o: DemoOptions,
  paths: { dir: string; dbFile: string; logFile: string; env: DemoEnv },
  cleanup: (() => Promise<unknown>)[],
): Promise<DemoWorld> {
  const { dir, dbFile, logFile, env } = paths;
  const servicenow = await startServiceNowSimulator();
  cleanup.push(() => servicenow.stop());
  const jira = new JiraSimulator({
    apiToken: env.JIRA_TOKEN,
    webhooks: { retryDelaysMs: [250, 1000, 3000] },
  });
  await jira.start();
  cleanup.push(() => jira.stop());
  const github = await startGitHubSimulator({ tokens: [env.GITHUB_TOKEN] });
  cleanup.push(() => github.close());
  const facts = seedStory({ servicenow, jira, github }, new Date());

  const loaded = parseConfigText(demoConfig(dbFile, o, { servicenow, jira, github }), {
    file: '<demo>',
    env,
  });
  for (const s of loaded.secrets) registerSecret(s);
  const logStream = createWriteStream(logFile, { flags: 'w' });
  cleanup.push(() => new Promise<void>((done) => logStream.end(done)));
  const logger = createLogger({ level: 'info', format: 'json', stream: logStream });
  const db = await Database.open({ url: loaded.config.database.url, cwd: dir });
  cleanup.push(() => db.close());
  await db.migrate();
  const app: App = {
    store: createStore(db),
    audit: new AuditLog(db),
    clock: systemClock,
    close: () => db.close(),
  };
  const runtime = createSyncRuntime(app, loaded, { env, cwd: process.cwd() }, logger, {
    workerId: 'demo',
  });
  let daemon: Daemon;
  try {
    daemon = await startDaemon(runtime, { host: '127.0.0.1', port: o.port });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    daemon = await startDaemon(runtime, { host: '127.0.0.1', port: 0 });
  }
  cleanup.push(() => daemon.stop());
  // Webhooks only once someone listens: the simulators retry, but why make them.
  servicenow.setBusinessRule({
    url: `${daemon.url}/webhooks/servicenow`,
    header: 'X-Changebridge-Secret',
    secret: env.SN_WEBHOOK,
  });
  jira.webhooks.register({ url: `${daemon.url}/webhooks/jira`, secret: env.JIRA_WEBHOOK });
  github.sender.addHook(`${daemon.url}/webhooks/github`, env.GITHUB_WEBHOOK);

  const world: DemoWorld = {
    servicenow,
    jira,
    github,
    runtime,
    daemon,
    facts,
    two: null,
    three: null,
    dbFile,
    logFile,
    async stop() {
      await daemon.stop();
      await app.close();
      await Promise.allSettled([servicenow.stop(), jira.stop(), github.close()]);
      await new Promise<void>((done) => logStream.end(done));
    },
  };
  return world;
}

/** Act one, then act two, each until the daemon has nothing left to do. */
export async function playStory(world: DemoWorld, o: DemoOptions): Promise<void> {
  o.print('Act one: changes in ServiceNow, two Jira teams, a GitHub repository…');
  await waitQuiet(world, o, () => jiraOnlyLinked(world));
  o.print('Act two: the CAB approves, people edit on both sides…');
  world.two = actTwo(
    { servicenow: world.servicenow, jira: world.jira, github: world.github },
    world.facts,
    new Date(),
  );
  await waitQuiet(world, o, () => true);
  o.print('Act three: a linked Jira issue is deleted; reconciliation and the auditor’s report…');
  const deleted = await actThreeDrift(world);
  await waitQuiet(world, o, () => true);
  world.three = await actThreeAudit(world, deleted, dirname(world.dbFile));
}

function jiraOnlyLinked(world: DemoWorld): boolean {
  const issue = world.jira.state.find(world.facts.jiraOnlyIssue.key);
  return Boolean(issue?.customFields[world.facts.jiraChangeField]);
}

/** Until the queues are empty and nothing new arrived for `quietMs` (several poll cycles). */
async function waitQuiet(world: DemoWorld, o: DemoOptions, ready: () => boolean): Promise<void> {
  const { store } = world.runtime.app;
  const deadline = Date.now() + o.timeoutMs;
  let lastBusy = Date.now();
  let lastDone = -1;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    const [inbox, outbox] = await Promise.all([store.inbox.counts(), store.outbox.counts()]);
    const done = (inbox.done ?? 0) + (inbox.ignored ?? 0) + (outbox.done ?? 0);
    if (pendingDepth(inbox) > 0 || pendingDepth(outbox) > 0 || done !== lastDone || !ready()) {
      lastBusy = Date.now();
      lastDone = done;
      continue;
    }
    if (Date.now() - lastBusy >= o.quietMs) return;
  }
  throw new Error(
    `[changebridge/demo] the story did not settle within ${Math.round(o.timeoutMs / 1000)} s; see ${world.logFile}`,
  );
}

function demoConfig(
  dbFile: string,
  o: DemoOptions,
  sims: { servicenow: ServiceNowSimulator; jira: JiraSimulator; github: GitHubSimulator },
): string {
  return stringify({
    database: { url: `sqlite:${dbFile}` },
    // The daemon is given its port directly (0: a free one); the file only needs a valid one.
    server: { port: o.port || 8080 },
    http: { defaults: { intervalCap: 100, baseBackoffMs: 50, maxBackoffMs: 2000 } },
    connections: {
      servicenow: {
        baseUrl: sims.servicenow.url,
        auth: { type: 'basic', username: DEFAULT_SIM_USER.userName, password: '${SN_PASSWORD}' },
        webhook: { header: 'X-Changebridge-Secret', secrets: ['${SN_WEBHOOK}'] },
        overlapSeconds: 5,
      },
      jira: {
        baseUrl: sims.jira.url,
        auth: { type: 'basic', email: sims.jira.email, apiToken: '${JIRA_TOKEN}' },
        webhook: { secrets: ['${JIRA_WEBHOOK}'] },
        projects: ['OPS', 'PAY'],
        fields: [
          'customfield_10100',
          'customfield_10101',
          'customfield_10102',
          'customfield_10103',
        ],
        overlapSeconds: 5,
      },
      github: {
        apiUrl: sims.github.url,
        auth: { type: 'token', token: '${GITHUB_TOKEN}' },
        webhook: { secrets: ['${GITHUB_WEBHOOK}'] },
        repositories: ['acme/payments'],
        overlapSeconds: 5,
      },
    },
    schedules: { poll: o.poll },
  });
}
