/**
 * What the backfill benchmark (../backfill.ts) prints: the results table against the
 * targets, each dialect's details, the read floor, and each dialect's CPU budget.
 */
import { availableParallelism } from 'node:os';
import type { ReadFloor } from './read-pages.js';

export const TARGET = { sqliteRate: 5000, ratio: 0.5, rssMb: 256 };

export interface Outcome {
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

export interface Floor extends ReadFloor {
  /** CPU time this process (the simulators) used while the child read. */
  simCpuMs: number;
}

function verdict(ok: boolean): string {
  return ok ? 'PASS' : 'FAIL';
}

export function report(outcomes: Outcome[]): void {
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

export function reportFloor(floor: Floor, outcomes: Outcome[], records: number): void {
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
    `    so no backfill against these simulators could pass ${(records / seconds).toFixed(0)} records/s here; ` +
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
  // SQLite runs in the measured processes; a MySQL server's CPU is only known when local.
  const { server } = o;
  if (o.dialect !== 'SQLite' && !server) return;
  const cores = availableParallelism();
  const reading = floor.cpuMs / 1000;
  const serving = floor.simCpuMs / 1000;
  const rawServer = server?.rawCpuSeconds ?? 0;
  const fixed = reading + serving + o.rawCpuSeconds + rawServer;
  const startUp = o.seconds - o.streamSeconds;
  const allowed = o.rawSeconds / TARGET.ratio;
  const left = cores * (allowed - startUp) - fixed;
  const spent = o.cpuSeconds + (server?.backfillCpuSeconds ?? 0);
  const used = spent - reading - o.rawCpuSeconds - rawServer;
  const raw = server
    ? `raw insert ${o.rawCpuSeconds.toFixed(1)} s (client) + ${rawServer.toFixed(1)} s (server)`
    : `raw insert ${o.rawCpuSeconds.toFixed(1)} s`;
  const backfill = server
    ? `this backfill used ${o.cpuSeconds.toFixed(1)} s of CPU and the server ${server.backfillCpuSeconds.toFixed(1)} s for it`
    : `this backfill used ${spent.toFixed(1)} s of CPU`;
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
