/**
 * Storage and audit benchmarks (`npm run bench -- storage`).
 *
 * Each measurement runs next to a baseline in the same process and database, so the ratio
 * is meaningful on any machine. Runs on SQLite, and on MySQL too when
 * CHANGEBRIDGE_TEST_MYSQL_URL is set. Numbers are printed, never asserted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { AuditLog } from '../../src/audit/index.js';
import { eventSource, type SourceEvent } from '../../src/model/index.js';
import { createStore, Database, type Store } from '../../src/store/index.js';

const N = Number(process.env.BENCH_EVENTS ?? 2000);
const now = new Date('2026-03-01T10:00:00Z');

function event(i: number, run: string): SourceEvent {
  return {
    system: 'jira',
    connection: 'jira',
    source: eventSource('jira', 'jira'),
    deliveryKey: `${run}-${i}`,
    kind: 'issue',
    event: 'jira:issue_updated',
    externalId: String(10000 + i),
    receivedAt: now,
    thin: false,
    payload: {
      issue: { key: `OPS-${i}`, fields: { summary: `Change ${i}`, description: 'x'.repeat(800) } },
    },
  };
}

async function time(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

function row(label: string, n: number, ms: number, baselineMs?: number): string {
  const rate = Math.round((n / ms) * 1000);
  const ratio = baselineMs === undefined ? 'baseline' : `${(baselineMs / ms).toFixed(1)}× baseline`;
  return `  ${label.padEnd(52)} ${String(rate).padStart(8)} /s  ${ratio}`;
}

async function bench(store: Store, label: string): Promise<void> {
  console.log(`\n${label}: ${N} events`);
  const single = await time(async () => {
    for (let i = 0; i < N; i++) await store.inbox.insert(event(i, 'single'));
  });
  console.log(row('inbox insert, one transaction per event', N, single));
  const batched = await time(async () => {
    for (let i = 0; i < N; i += 100) {
      await store.inbox.insertMany(
        Array.from({ length: Math.min(100, N - i) }, (_, k) => event(i + k, 'batch')),
      );
    }
  });
  console.log(row('inbox insert, pages of 100 in one transaction', N, batched, single));
  const dupes = await time(async () => {
    for (let i = 0; i < N; i += 100) {
      await store.inbox.insertMany(
        Array.from({ length: Math.min(100, N - i) }, (_, k) => event(i + k, 'batch')),
      );
    }
  });
  console.log(row('inbox re-delivery of the same pages (all duplicates)', N, dupes, single));
  let claimed = 0;
  const claim = await time(async () => {
    for (;;) {
      const rows = await store.inbox.claim({ workerId: 'bench', limit: 50, leaseMs: 60_000, now });
      if (rows.length === 0) break;
      claimed += rows.length;
    }
  });
  console.log(row('inbox claim, batches of 50', claimed, claim));

  const log = new AuditLog(store.db);
  const auditSingle = await time(async () => {
    for (let i = 0; i < N; i++)
      await log.append(
        [{ actor: 'system:bench', action: 'x', subject: `s${i}`, data: { i } }],
        now,
      );
  });
  console.log(row('audit append, one event per transaction', N, auditSingle));
  const auditBatch = await time(async () => {
    for (let i = 0; i < N; i += 50) {
      await log.append(
        Array.from({ length: 50 }, (_, k) => ({
          actor: 'system:bench',
          action: 'x',
          subject: `b${i + k}`,
          data: { i: i + k },
        })),
        now,
      );
    }
  });
  console.log(row('audit append, 50 events per transaction', N, auditBatch, auditSingle));
  let result = { ok: false, checked: 0 };
  const verify = await time(async () => {
    result = await log.verify();
  });
  console.log(row(`audit verify (${result.ok ? 'intact' : 'BROKEN'})`, result.checked, verify));
}

export default async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cb-bench-'));
  try {
    const db = await Database.open({ url: `sqlite:${join(dir, 'bench.db')}` });
    await db.migrate();
    await bench(createStore(db), 'SQLite (WAL)');
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const mysql = process.env.CHANGEBRIDGE_TEST_MYSQL_URL;
  if (!mysql) {
    console.log('\nMySQL: skipped (set CHANGEBRIDGE_TEST_MYSQL_URL to include it)');
    return;
  }
  const url = new URL(mysql);
  url.pathname = `/cb_bench_${randomBytes(3).toString('hex')}`;
  const db = await Database.open({ url: url.toString(), createDatabase: true });
  try {
    await db.migrate();
    await bench(createStore(db), 'MySQL/MariaDB');
  } finally {
    await db.dataSource.query(`DROP DATABASE IF EXISTS \`${url.pathname.slice(1)}\``);
    await db.close();
  }
}
