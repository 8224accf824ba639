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
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import mysql from 'mysql2/promise';
import { seedJira } from '../../connectors/jira/simulator-seed.js';
import { seedServiceNow } from '../../connectors/servicenow/simulator-seed.js';
import { Database } from '../../src/store/index.js';
import { startSimWorld, type SimWorld } from '../../test/support/sync-world.js';
import { cpuSecondsOf, ensureBuilt, runCli, runCliOk, runScript } from './support/cli-process.js';
import type { ReadFloor } from './support/read-pages.js';
import { countRows, rawInsert, readCanonical, rowCounts } from './support/raw-copy.js';
import { benchConfigYaml, writeBenchConfig } from './support/sim-config.js';

const N = Number(process.env.BENCH_RECORDS ?? 50_000);
const SEED = 42;
const MYSQL_URL = process.env.CHANGEBRIDGE_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/';
const TARGET = { sqliteRate: 5000, ratio: 0.5, rssMb: 256 };
const COUNTED = ['changes', 'links', 'approvals', 'incidents', 'outbox_commands', 'inbox_events'];

interface Outcome {
  dialect: string;
  records: number;
  seconds: number;
  /** Sum of the per-stream times the backfill printed (no process start-up). */
  streamSeconds: number;
  rawSeconds: number;
  /** CPU time of the raw insert in this process (all of it on SQLite, the client's on MySQL). */
  rawCpuSeconds: number;
  rawRows: number;
  rawTables: Record<string, number>;
  /** Insert time and row count of the changes and links rows alone. */
  rawCoreSeconds: number;
  rawCoreRows: number;
  peakRssMb: number;
  /** CPU seconds the backfill process used (user + system, all threads). */
  cpuSeconds: number;
  exitCode: number | string;
  counts: Record<string, unknown>;
  streams: string[];
  simReads: number;
  simWrites: number;
  /** CPU time this process (the simulators, nothing else) used during the backfill. */
  simCpuSeconds: number;
  /** Peak RSS of `changebridge migrate`: what the CLI costs before any data. */
  migrateRssMb: number;
  /** CPU time of a local MySQL/MariaDB server during the backfill and during the raw insert. */
  server?: { backfillCpuSeconds: number; rawCpuSeconds: number };
}

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
  const serverBefore = serverCpu?.();
  const run = await runCli(['backfill', '--config', config], { env: world.env });
  const serverBackfill = serverCpu ? serverCpu() - serverBefore! : undefined;
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
  const serverBeforeRaw = serverCpu?.();
  const rawMs = await rawInsert(rawUrl, rows);
  const serverRaw = serverCpu ? serverCpu() - serverBeforeRaw! : undefined;
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

function verdict(ok: boolean): string {
  return ok ? 'PASS' : 'FAIL';
}

function report(outcomes: Outcome[]): void {
  const head = [
    'dialect',
    'records',
    'seconds',
    'records/s',
    'raw rec/s',
    'ratio',
    'peak RSS MB',
    'rate?',
    'ratio?',
    'RSS?',
  ];
  const widths = [9, 8, 8, 10, 10, 6, 12, 6, 6, 6];
  const line = (cells: string[]): string =>
    '  ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' ');
  console.log(`\n${line(head)}`);
  for (const o of outcomes) {
    const rate = o.records / o.seconds;
    const rawRate = o.records / o.rawSeconds;
    const ratio = rate / rawRate;
    console.log(
      line([
        o.dialect,
        String(o.records),
        o.seconds.toFixed(1),
        rate.toFixed(0),
        rawRate.toFixed(0),
        ratio.toFixed(3),
        o.peakRssMb.toFixed(0),
        o.dialect === 'SQLite' ? verdict(rate >= TARGET.sqliteRate) : 'n/a',
        verdict(ratio >= TARGET.ratio),
        verdict(o.peakRssMb <= TARGET.rssMb),
      ]),
    );
  }
  console.log(
    `  targets: ≥ ${TARGET.sqliteRate} records/s on SQLite, ratio ≥ ${TARGET.ratio}, peak RSS ≤ ${TARGET.rssMb} MB`,
  );
  for (const o of outcomes) {
    console.log(`\n  ${o.dialect} details`);
    console.log(
      `    backfill exit ${o.exitCode}; ${o.seconds.toFixed(1)} s wall (child process, start-up included), ` +
        `${o.streamSeconds.toFixed(1)} s inside the streams → ${(o.records / o.streamSeconds).toFixed(0)} records/s`,
    );
    for (const s of o.streams) console.log(`    ${s}`);
    console.log(`    rows read back: ${JSON.stringify(o.counts)}`);
    console.log(
      `    raw insert (baseline): all ${o.rawRows} rows the backfill wrote in ${o.rawSeconds.toFixed(2)} s = ` +
        `${(o.rawRows / o.rawSeconds).toFixed(0)} rows/s, ${(o.records / o.rawSeconds).toFixed(0)} records/s; ` +
        `${JSON.stringify(o.rawTables)}`,
    );
    console.log(
      `    raw insert of the changes + links rows alone: ${o.rawCoreRows} rows in ${o.rawCoreSeconds.toFixed(2)} s ` +
        `= ${(o.records / o.rawCoreSeconds).toFixed(0)} records/s → ratio ${(o.rawCoreSeconds / o.seconds).toFixed(3)}`,
    );
    console.log(
      `    simulator requests during backfill: ${o.simReads} GET, ${o.simWrites} other; ` +
        `simulators used ${o.simCpuSeconds.toFixed(1)} s CPU (another core) during the ${o.seconds.toFixed(1)} s`,
    );
    console.log(
      `    peak RSS: backfill ${o.peakRssMb.toFixed(0)} MB; \`changebridge migrate\` (start-up floor) ${o.migrateRssMb.toFixed(0)} MB`,
    );
  }
}

interface Floor extends ReadFloor {
  /** CPU time this process (the simulators) used while the child read. */
  simCpuMs: number;
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

function reportFloor(floor: Floor, outcomes: Outcome[]): void {
  const seconds = floor.ms / 1000;
  console.log(
    `\n  read floor: reading every page of every stream with the same connectors, applying nothing, ` +
      `took ${seconds.toFixed(1)} s (` +
      floor.streams
        .map((s) => `${s.stream} ${s.records} in ${(s.ms / 1000).toFixed(1)} s`)
        .join(', ') +
      `)`,
  );
  console.log(
    `    so no backfill against these simulators could pass ${((2 * N) / seconds).toFixed(0)} records/s here; ` +
      outcomes
        .map((o) => `${o.dialect} ratio at most ${(o.rawSeconds / seconds).toFixed(3)}`)
        .join(', '),
  );
  for (const o of outcomes) reportBudget(floor, o);
}

/**
 * The CPU budget of one dialect: the work any backfill has to do (reading, the simulators
 * serving the pages, the raw insert, and on MySQL/MariaDB the server's share of it) against
 * what the target ratio leaves on this machine's cores for everything else.
 */
function reportBudget(floor: Floor, o: Outcome): void {
  const local = o.dialect === 'SQLite';
  if (!local && !o.server) return;
  const cores = availableParallelism();
  const reading = floor.cpuMs / 1000;
  const serving = floor.simCpuMs / 1000;
  const rawServer = o.server?.rawCpuSeconds ?? 0;
  const fixed = reading + serving + o.rawCpuSeconds + rawServer;
  const startUp = o.seconds - o.streamSeconds;
  const allowed = o.rawSeconds / TARGET.ratio;
  const left = cores * (allowed - startUp) - fixed;
  const spent = o.cpuSeconds + (o.server?.backfillCpuSeconds ?? 0);
  const used = spent - reading - o.rawCpuSeconds - rawServer;
  const raw = local
    ? `raw insert ${o.rawCpuSeconds.toFixed(1)} s`
    : `raw insert ${o.rawCpuSeconds.toFixed(1)} s (client) + ${rawServer.toFixed(1)} s (server)`;
  const backfill = local
    ? `this backfill used ${spent.toFixed(1)} s of CPU`
    : `this backfill used ${o.cpuSeconds.toFixed(1)} s of CPU and the server ${o.server!.backfillCpuSeconds.toFixed(1)} s for it`;
  console.log(
    `  CPU budget (${o.dialect}): reading ${reading.toFixed(1)} s + simulators serving it ${serving.toFixed(1)} s ` +
      `+ ${raw} = ${fixed.toFixed(1)} s of CPU any backfill needs. ` +
      `Ratio ${TARGET.ratio} allows ${allowed.toFixed(1)} s, ${startUp.toFixed(1)} s of it start-up;`,
  );
  console.log(
    `    on ${cores} cores, perfectly shared, that leaves ${left.toFixed(1)} s of CPU for all other work ` +
      `(mapping, merging, audit chain, planning, SQL beyond the raw insert); ` +
      `${backfill}, ${used.toFixed(1)} s beyond reading and the raw insert`,
  );
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
    reportFloor(floor, outcomes);
  } finally {
    await world.close();
  }
}
