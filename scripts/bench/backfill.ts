/**
 * Backfill benchmark (`npm run bench -- backfill`; DESIGN targets: ≥ 5,000 records/s on
 * SQLite, ≥ 0.5 of a raw-driver insert of the same rows, peak RSS ≤ 256 MB).
 *
 * BENCH_RECORDS (50,000) ServiceNow change requests and as many Jira issues are seeded
 * into the simulators, which run in this process. `changebridge migrate` and then
 * `changebridge backfill` run as child processes from source (tsx; BENCH_CLI=dist for the
 * built bin, see support/cli-process.ts), so the backfill's peak
 * RSS (sampled from /proc) excludes the simulators and their data. records/s counts change
 * requests + issues over the child's wall time, start-up included; the approvals and
 * incidents the ServiceNow streams also read are extra work, not counted.
 *
 * Baseline, same run: every row the backfill wrote (changes, links, approvals, incidents,
 * people, audit events, planned outbox commands, cursors: support/raw-copy.ts) is read
 * back and inserted into a fresh, migrated database of the same dialect with the raw
 * driver; raw records/s = the same record count over that insert time. The insert rate of
 * the `changes` and `links` rows alone is printed too.
 *
 * Read floor, same run: support/read-pages.ts reads every page of every stream through the
 * same connectors in a child process and applies nothing. Its time bounds what any
 * backfill could reach against these simulators on this machine: at most records / floor
 * records/s, and a ratio of at most raw insert time / floor time.
 *
 * The simulators' share: the CPU time this process (which only serves the simulators
 * while the child runs) used during the backfill, from process.cpuUsage().
 *
 * CPU budget, same run, SQLite: any backfill has to do at least the read floor's reading
 * (its CPU time, start-up excluded), make the simulators serve those pages (this
 * process's CPU time during the read floor) and write the rows (the raw insert's CPU
 * time; better-sqlite3 runs in this process). On MySQL/MariaDB the same, plus the
 * server's CPU time during the raw insert and during the backfill, when the server runs on
 * this machine (its pid file is readable; otherwise that budget is left out). To reach
 * the target ratio the backfill may take 1 / ratio × the raw insert's time, start-up
 * included; on every core that leaves cores × (that − start-up) − the sum for everything
 * else it does (mapping, merging, the audit chain, planning, SQL beyond a raw insert),
 * next to the CPU the backfill (and the server for it) used (/proc) minus the same.
 * Runs on SQLite (temp file) and on MySQL/MariaDB at CHANGEBRIDGE_TEST_MYSQL_URL (default
 * mysql://root@127.0.0.1:3306/, fresh databases created and dropped), skipped with a
 * message when unreachable. Numbers are printed; a missed target does not fail the run.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import mysql from 'mysql2/promise';
import { seedJira } from '../../connectors/jira/simulator-seed.js';
import { seedServiceNow } from '../../connectors/servicenow/simulator-seed.js';
import { Database } from '../../src/store/index.js';
import { startSimWorld, type SimWorld } from '../../test/support/sync-world.js';
import { cpuSecondsOf, ensureBuilt, runCli, runCliOk, runScript } from './support/cli-process.js';
import { report, reportFloor, type Floor, type Outcome } from './support/backfill-report.js';
import type { ReadFloor } from './support/read-pages.js';
import { countRows, rawInsert, readCanonical, rowCounts } from './support/raw-copy.js';
import { benchConfigYaml, writeBenchConfig } from './support/sim-config.js';

const N = Number(process.env.BENCH_RECORDS ?? 50_000);
const SEED = 42;
const MYSQL_URL = process.env.CHANGEBRIDGE_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/';
const COUNTED = ['changes', 'links', 'approvals', 'incidents', 'outbox_commands', 'inbox_events'];

/** A migrated, empty database at `url` (typeorm migrations, as `changebridge migrate`). */
async function migrateFresh(url: string): Promise<void> {
  const db = await Database.open({ url, createDatabase: true });
  try {
    await db.migrate();
  } finally {
    await db.close();
  }
}

function simRequests(world: SimWorld): { method: string }[] {
  return [...world.servicenow.requests, ...world.jira.requests];
}

async function measure(
  world: SimWorld,
  dialect: string,
  url: string,
  rawUrl: string,
  coreUrl: string,
  serverCpu?: () => number,
): Promise<Outcome> {
  const config = writeBenchConfig(benchConfigYaml(world, url));
  const migrate = await runCliOk(['migrate', '--config', config], { env: world.env });
  const before = simRequests(world).length;
  console.log(`  ${dialect}: backfilling…`);
  // While the child runs, this process only serves the simulators.
  const cpu = process.cpuUsage();
  const [run, serverBackfill] = await serverCpuDuring(serverCpu, () =>
    runCli(['backfill', '--config', config], { env: world.env }),
  );
  const simCpu = process.cpuUsage(cpu);
  await new Promise((r) => setTimeout(r, 50)); // the simulators log a request on socket close
  const during = simRequests(world).slice(before);
  const streams = run.output
    .split('\n')
    .filter((l) => /^\S+\/\S+: \d+ records/.test(l))
    .map((l) => l.trim());
  if (streams.length === 0)
    throw new Error(`[bench] backfill printed no stream results:\n${run.output.slice(-4000)}`);
  const streamSeconds = streams
    .map((l) => Number(/ in ([\d.]+) s$/.exec(l)?.[1] ?? 0))
    .reduce((a, b) => a + b, 0);
  const counts = await countRows(url, COUNTED);
  const rows = await readCanonical(url);
  await migrateFresh(rawUrl);
  const rawCpu = process.cpuUsage();
  const [rawMs, serverRaw] = await serverCpuDuring(serverCpu, () => rawInsert(rawUrl, rows));
  const rawCpuUsed = process.cpuUsage(rawCpu);
  await migrateFresh(coreUrl);
  const core = { changes: rows.changes, links: rows.links };
  const rawCoreMs = await rawInsert(coreUrl, core);
  return {
    dialect,
    records: 2 * N,
    seconds: run.ms / 1000,
    streamSeconds,
    rawSeconds: rawMs / 1000,
    rawCpuSeconds: (rawCpuUsed.user + rawCpuUsed.system) / 1e6,
    rawRows: Object.values(rowCounts(rows)).reduce((a, b) => a + b, 0),
    rawTables: rowCounts(rows),
    rawCoreSeconds: rawCoreMs / 1000,
    rawCoreRows: rows.changes.length + rows.links.length,
    peakRssMb: run.peakRssMb,
    cpuSeconds: run.cpuSeconds,
    exitCode: run.code,
    counts,
    streams,
    simReads: during.filter((r) => r.method === 'GET').length,
    simWrites: during.filter((r) => r.method !== 'GET').length,
    simCpuSeconds: (simCpu.user + simCpu.system) / 1e6,
    migrateRssMb: migrate.peakRssMb,
    ...(serverBackfill !== undefined && serverRaw !== undefined
      ? { server: { backfillCpuSeconds: serverBackfill, rawCpuSeconds: serverRaw } }
      : {}),
  };
}

/** `work`'s result and the server CPU seconds spent meanwhile (undefined without a reader). */
async function serverCpuDuring<T>(
  serverCpu: (() => number) | undefined,
  work: () => Promise<T>,
): Promise<[T, number | undefined]> {
  const before = serverCpu?.();
  const result = await work();
  return [result, serverCpu && before !== undefined ? serverCpu() - before : undefined];
}

/**
 * The CPU seconds of the MySQL/MariaDB server behind `admin`, when it runs on this
 * machine and /proc shows it (its pid file, `@@pid_file`, is readable); otherwise undefined.
 */
async function localServerCpu(
  admin: mysql.Connection,
  host: string,
): Promise<(() => number) | undefined> {
  if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host)) return undefined;
  try {
    const [rows] = await admin.query('SELECT @@pid_file AS f');
    const file = (rows as { f: string | null }[])[0]?.f;
    if (!file) return undefined;
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (!Number.isInteger(pid) || Number.isNaN(cpuSecondsOf(pid))) return undefined;
    return () => cpuSecondsOf(pid);
  } catch {
    return undefined;
  }
}

async function sqlite(world: SimWorld): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), 'cb-bench-backfill-'));
  try {
    return await measure(
      world,
      'SQLite',
      `sqlite:${join(dir, 'backfill.db')}`,
      `sqlite:${join(dir, 'raw.db')}`,
      `sqlite:${join(dir, 'core.db')}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function mariadb(world: SimWorld): Promise<Outcome | string> {
  const base = new URL(MYSQL_URL);
  const server = { host: base.hostname, port: Number(base.port || 3306) };
  const credentials = {
    user: decodeURIComponent(base.username),
    password: decodeURIComponent(base.password),
  };
  let admin: mysql.Connection;
  try {
    admin = await mysql.createConnection({ ...server, ...credentials, connectTimeout: 3000 });
  } catch (error) {
    return `skipped: ${base.host} unreachable (${(error as Error).message}); set CHANGEBRIDGE_TEST_MYSQL_URL`;
  }
  const suffix = randomBytes(3).toString('hex');
  const names = [
    `cb_bench_backfill_${suffix}`,
    `cb_bench_raw_${suffix}`,
    `cb_bench_core_${suffix}`,
  ];
  const urlOf = (db: string): string => {
    const u = new URL(MYSQL_URL);
    u.pathname = `/${db}`;
    return u.toString();
  };
  try {
    const [version] = await admin.query('SELECT VERSION() AS v');
    const label = /mariadb/i.test((version as { v: string }[])[0]?.v ?? '') ? 'MariaDB' : 'MySQL';
    const serverCpu = await localServerCpu(admin, server.host);
    if (!serverCpu)
      console.log(
        `  ${label}: the server's CPU time is not readable here (not local, or no pid file)`,
      );
    return await measure(
      world,
      label,
      urlOf(names[0]!),
      urlOf(names[1]!),
      urlOf(names[2]!),
      serverCpu,
    );
  } finally {
    for (const name of names) await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.end();
  }
}

/** Reads every stream without applying anything (support/read-pages.ts), in a child. */
async function readFloor(world: SimWorld): Promise<Floor> {
  const config = writeBenchConfig(benchConfigYaml(world, 'sqlite::memory:'));
  const cpu = process.cpuUsage();
  const run = await runScript('scripts/bench/support/read-pages.ts', [config], { env: world.env });
  const simCpu = process.cpuUsage(cpu);
  const line = run.output.split('\n').find((l) => l.startsWith('{"streams"'));
  if (run.code !== 0 || !line)
    throw new Error(
      `[bench] the read floor failed (exit ${run.code}):\n${run.output.slice(-4000)}`,
    );
  return { ...(JSON.parse(line) as ReadFloor), simCpuMs: (simCpu.user + simCpu.system) / 1000 };
}

export default async function main(): Promise<void> {
  ensureBuilt();
  console.log(
    `\nbackfill: ${N} ServiceNow change requests + ${N} Jira issues (BENCH_RECORDS), seed ${SEED}`,
  );
  const world = await startSimWorld();
  try {
    const seeding = performance.now();
    const sn = seedServiceNow(world.servicenow.state, { changes: N, seed: SEED });
    seedJira(world.jira.state, { issues: N, seed: SEED, changeNumberField: 'customfield_10100' });
    console.log(
      `  seeded in ${((performance.now() - seeding) / 1000).toFixed(1)} s (not measured): ` +
        `${sn.changes.length} changes, ${sn.approvals.length} approvals, ` +
        `${sn.incidents.length} incidents, ${sn.users.length} users; ` +
        `${world.jira.state.issues.size} issues`,
    );
    const outcomes = [await sqlite(world)];
    console.log('  read floor: reading every page, applying nothing…');
    const floor = await readFloor(world);
    const maria = await mariadb(world);
    if (typeof maria === 'string') console.log(`  MySQL/MariaDB: ${maria}`);
    else outcomes.push(maria);
    report(outcomes);
    reportFloor(floor, outcomes, 2 * N);
  } finally {
    await world.close();
  }
}
