/**
 * Part of the composition root: everything the sync needs, wired from the configuration —
 * connectors, mappings, metrics, the inbox processor and the outbox dispatcher — plus
 * the daemon's scheduled jobs. Commands (`run`, `sync`, `backfill`, `demo`) build on it.
 */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadedConfig } from '../config/index.js';
import {
  createPollJob,
  pollAll,
  type PollStreamResult,
  type ScheduledJob,
} from '../ingest/index.js';
import type { MappingSet } from '../mapping/index.js';
import { loadMappings } from '../mapping/load-files.js';
import { isSystemName, type Connector } from '../model/index.js';
import { createMetrics, type Metrics } from '../report/index.js';
import type { Logger } from '../runtime/index.js';
import type { ServiceNowConnector } from '../../connectors/servicenow/index.js';
import type { UserDetails } from '../sync/record-facts.js';
import { pruneProcessed } from '../store/index.js';
import {
  createDispatcher,
  createProcessor,
  decideDeployment,
  reevaluate,
  runReconcile,
  syncSettings,
  type ReconcileOptions,
  type ReconcileSummary,
  type Dispatcher,
  type DispatchSummary,
  type PolicyHook,
  type Processor,
  type ProcessSummary,
} from '../sync/index.js';
import type { GateVerdict } from '../policy/index.js';
import type { App, Environment } from '../main.js';
import { createConnectors, createHttpFactory } from './connectors.js';
import { governanceFromConfig, governanceSettings } from './governance.js';
import { reportJob } from '../report/job.js';

/**
 * Schedule leases: short, renewed every third while a job runs, so a replica that dies
 * mid-job (SIGKILL, a lost host) holds its schedules for at most this long.
 */
const JOB_LEASE_MS = 30_000;

/** Closed changes stay under re-evaluation this long (closure evidence, late reviews). */
const REEVALUATE_CLOSED_MS = 30 * 86_400_000;

export interface SyncRuntime {
  app: App;
  loaded: LoadedConfig;
  logger: Logger;
  connectors: Connector[];
  mappings: MappingSet;
  metrics: Metrics;
  processor: Processor;
  dispatcher: Dispatcher;
  workerId: string;
  /** ServiceNow user details for Person resolution (see ApplyDeps.describeUsers). */
  describeUsers: (identities: string[]) => Promise<Map<string, UserDetails>>;
  /** One poll pass of every stream (of one connection when given). */
  pollOnce(connection?: string, signal?: AbortSignal): Promise<PollStreamResult[]>;
  /** The policy hook every transaction runs (DESIGN §6). */
  policy: PolicyHook;
  /** `GET /api/v1/gate`: may this commit deploy to this environment now? */
  decideGate(query: { repo: string; sha: string; environment: string }): Promise<GateVerdict>;
  /** A drift reconciliation run (DESIGN §7): `changebridge reconcile` and its schedule. */
  reconcile(options?: ReconcileOptions): Promise<ReconcileSummary>;
  /** Re-evaluates every active change (time-driven findings, expired waivers). */
  reevaluateAll(): Promise<{ changes: number; enqueued: number }>;
  /** Re-evaluates and re-plans the given changes now (after a waiver); returns commands enqueued. */
  reevaluate(changeIds: readonly string[]): Promise<number>;
  /** Poll, process and write back until quiet: `sync --once`. */
  syncOnce(connection?: string): Promise<SyncOnceSummary>;
  jobs(): ScheduledJob[];
}

export interface SyncOnceSummary {
  polled: PollStreamResult[];
  processed: ProcessSummary;
  dispatched: DispatchSummary;
  rounds: number;
}

/** The mappings folder: as configured, relative to the cwd; the packaged one by default. */
export function resolveMappingsDir(configured: string, cwd: string): string {
  const dir = isAbsolute(configured) ? configured : resolve(cwd, configured);
  if (existsSync(dir) || configured !== 'mappings') return dir;
  for (const rel of ['../../mappings', '../../../mappings']) {
    const packaged = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(packaged)) return packaged;
  }
  return dir;
}

export function createSyncRuntime(
  app: App,
  loaded: LoadedConfig,
  environment: Environment,
  logger: Logger,
  options: { workerId?: string; metrics?: Metrics; policy?: PolicyHook } = {},
): SyncRuntime {
  const config = loaded.config;
  const metrics = options.metrics ?? createMetrics();
  let apiCalls = 0;
  const http = createHttpFactory(config, logger, app.clock, (m) => {
    if (m.type === 'attempt') apiCalls += 1;
    metrics.onHttpMetric(m);
  });
  const connectors = createConnectors(config, { http, logger, clock: app.clock });
  const mappings = loadMappings(resolveMappingsDir(config.sync.mappingsDir, environment.cwd));
  const workerId = options.workerId ?? `${hostname()}:${process.pid}`;
  const p = config.sync.processor;
  const d = config.sync.dispatcher;
  const describeUsers = serviceNowUserLookup(connectors);
  const policy = options.policy ?? governanceFromConfig(config);
  const settings = syncSettings(config);
  const processor = createProcessor({
    describeUsers,
    store: app.store,
    audit: app.audit,
    mappings,
    settings,
    policy,
    clock: app.clock,
    logger,
    connectors,
    workerId,
    metrics,
    batchSize: p.batchSize,
    concurrency: p.concurrency,
    leaseMs: p.leaseSeconds * 1000,
    maxAttempts: p.maxAttempts,
    intervalMs: p.intervalMs,
  });
  const dispatcher = createDispatcher({
    store: app.store,
    audit: app.audit,
    connectors,
    clock: app.clock,
    logger,
    workerId,
    batchSize: d.batchSize,
    concurrency: d.concurrency,
    leaseMs: d.leaseSeconds * 1000,
    maxAttempts: d.maxAttempts,
    intervalMs: d.intervalMs,
    onResult: (r) => {
      if (r.outcome === 'dead' && isSystemName(r.targetSystem))
        metrics.eventDeadLettered(r.targetSystem);
    },
  });
  const scope = (connection?: string) =>
    connection ? connectors.filter((c) => c.connection === connection) : connectors;

  const pollOnce = (connection?: string, signal?: AbortSignal) =>
    pollAll({
      store: app.store,
      connectors: scope(connection),
      clock: app.clock,
      logger,
      ...(signal ? { signal } : {}),
    });

  const applyDeps = {
    store: app.store,
    audit: app.audit,
    mappings,
    settings,
    policy,
    clock: app.clock,
    logger,
  };

  /** Active changes in pages of 50, one transaction each. */
  async function reevaluateAll(): Promise<{ changes: number; enqueued: number }> {
    const since = new Date(app.clock.now().getTime() - REEVALUATE_CLOSED_MS);
    let after = '';
    let changes = 0;
    let enqueued = 0;
    for (;;) {
      const ids = await app.store.changes.activeIds(since, after, 50);
      if (ids.length === 0) break;
      enqueued += await reevaluate(applyDeps, ids);
      changes += ids.length;
      after = ids[ids.length - 1]!;
    }
    return { changes, enqueued };
  }

  async function drainOutbox(): Promise<DispatchSummary> {
    const total: DispatchSummary = { claimed: 0, done: 0, skipped: 0, retried: 0, dead: 0 };
    for (let i = 0; i < 1000; i++) {
      const s = await dispatcher.runOnce();
      for (const k of Object.keys(total) as (keyof DispatchSummary)[]) total[k] += s[k];
      if (s.claimed === 0) break;
    }
    return total;
  }

  return {
    app,
    loaded,
    logger,
    connectors,
    mappings,
    metrics,
    processor,
    dispatcher,
    workerId,
    describeUsers,
    pollOnce,
    policy,
    decideGate: (query) =>
      app.store.db.with(undefined, (m) =>
        decideDeployment({ store: app.store, m, now: app.clock.now(), policy }, query),
      ),
    reevaluateAll: () => reevaluateAll(),
    reconcile: (options) =>
      runReconcile(
        {
          apply: applyDeps,
          connectors,
          org: governanceSettings(config).org,
          apiCalls: () => apiCalls,
        },
        options,
      ),
    reevaluate: (changeIds) => reevaluate(applyDeps, changeIds),
    async syncOnce(connection) {
      const summary: SyncOnceSummary = {
        polled: [],
        processed: { claimed: 0, applied: 0, ignored: 0, retried: 0, dead: 0 },
        dispatched: { claimed: 0, done: 0, skipped: 0, retried: 0, dead: 0 },
        rounds: 0,
      };
      // Our own writes come back on the next poll: a second round absorbs them (echo).
      for (let round = 0; round < 3; round++) {
        summary.rounds += 1;
        const polled = await pollOnce(connection);
        if (round === 0) summary.polled = polled;
        const processed = await processor.drain();
        const dispatched = await drainOutbox();
        for (const k of Object.keys(processed) as (keyof ProcessSummary)[])
          summary.processed[k] += processed[k];
        for (const k of Object.keys(dispatched) as (keyof DispatchSummary)[])
          summary.dispatched[k] += dispatched[k];
        if (dispatched.done === 0) break;
      }
      return summary;
    },
    jobs() {
      const schedules = config.schedules;
      return [
        // One poll job per connection: a slow or failing system never delays the others,
        // and replicas can run different connections' polls at the same time.
        ...connectors.map((connector) =>
          createPollJob({
            name: `poll:${connector.connection}`,
            cron: schedules.poll,
            leaseMs: JOB_LEASE_MS,
            store: app.store,
            connectors: [connector],
            clock: app.clock,
            logger,
          }),
        ),
        {
          name: 'reconcile',
          cron: schedules.reconcile,
          leaseMs: JOB_LEASE_MS,
          run: async (signal) => {
            await runReconcile(
              {
                apply: applyDeps,
                connectors,
                org: governanceSettings(config).org,
                apiCalls: () => apiCalls,
              },
              { signal },
            );
          },
        },
        {
          name: 'policies',
          cron: schedules.policies,
          leaseMs: JOB_LEASE_MS,
          run: async () => {
            const r = await reevaluateAll();
            logger.info('policies.reevaluated', r);
          },
        },
        reportJob({ store: app.store, clock: app.clock, logger, config, cwd: environment.cwd }),
        {
          name: 'retention',
          cron: schedules.retention,
          leaseMs: JOB_LEASE_MS,
          run: async () => {
            const before = new Date(
              app.clock.now().getTime() - config.sync.retentionDays * 86_400_000,
            );
            const pruned = await pruneProcessed(app.store.db, before);
            logger.info('retention.pruned', { before: before.toISOString(), ...pruned });
          },
        },
      ];
    },
  };
}

/** Names and emails of ServiceNow users by identity, through each ServiceNow connection. */
function serviceNowUserLookup(connectors: readonly Connector[]) {
  const withUsers = connectors.filter(
    (c): c is ServiceNowConnector => c.system === 'servicenow' && 'readUsers' in c,
  );
  return async (identities: string[]): Promise<Map<string, UserDetails>> => {
    const out = new Map<string, UserDetails>();
    const prefix = 'servicenow:sys_user:';
    const ids = identities.filter((i) => i.startsWith(prefix)).map((i) => i.slice(prefix.length));
    for (const c of withUsers) {
      if (ids.length === 0) break;
      for (const u of await c.readUsers(ids))
        out.set(u.identity, { displayName: u.name, email: u.email });
    }
    return out;
  };
}
