/**
 * ServiceNow poll throughput against the simulator (`npm run bench -- servicenow`).
 *
 * Records per second for one full pass over N change requests, next to a baseline measured
 * in the same run: raw Table API offset paging with fetch (no connector, no queue, no
 * retries, no zod). Then the connector's cursor paging at page sizes 100 and 1000, and the
 * whole poll pass into a SQLite inbox (what `sync` does). Numbers are printed, not asserted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createServiceNowConnector } from '../../connectors/servicenow/index.js';
import { DEFAULT_SIM_USER, ServiceNowSimulator } from '../../connectors/servicenow/simulator.js';
import { seedServiceNow } from '../../connectors/servicenow/simulator-seed.js';
import { STREAMS } from '../../connectors/servicenow/streams.js';
import { runPollPass } from '../../src/ingest/index.js';
import { createHttpClientFactory, createNullLogger } from '../../src/runtime/index.js';
import { createStore, Database } from '../../src/store/index.js';

const N = Number(process.env.BENCH_SERVICENOW_RECORDS ?? 20_000);
const auth = {
  type: 'basic' as const,
  username: DEFAULT_SIM_USER.userName,
  password: DEFAULT_SIM_USER.password,
};
const fields = STREAMS.find((s) => s.name === 'change_request')!.fields.join(',');

function row(label: string, n: number, ms: number, baselineMs?: number): string {
  const rate = Math.round((n / ms) * 1000);
  const ratio = baselineMs === undefined ? 'baseline' : `${(baselineMs / ms).toFixed(2)}× baseline`;
  return `  ${label.padEnd(58)} ${String(rate).padStart(8)} records/s  ${ratio}`;
}

async function rawOffsetPaging(url: string, pageSize: number): Promise<number> {
  const header = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  let seen = 0;
  for (let offset = 0; ; offset += pageSize) {
    const q = new URLSearchParams({
      sysparm_query: 'ORDERBYsys_updated_on^ORDERBYsys_id',
      sysparm_fields: fields,
      sysparm_limit: String(pageSize),
      sysparm_offset: String(offset),
      sysparm_exclude_reference_link: 'true',
      sysparm_no_count: 'true',
    });
    const res = await fetch(`${url}/api/now/table/change_request?${q}`, {
      headers: { Authorization: header, Accept: 'application/json' },
    });
    const body = (await res.json()) as { result: unknown[] };
    seen += body.result.length;
    if (body.result.length < pageSize) return seen;
  }
}

async function connectorPass(url: string, pageSize: number): Promise<number> {
  const http = createHttpClientFactory({
    defaults: { intervalCap: 0 },
    logger: createNullLogger(),
  });
  const connector = createServiceNowConnector(
    { baseUrl: url, auth, pageSize, overlapSeconds: 0 },
    { http },
  );
  const stream = connector.streams.find((s) => s.name === 'change_request')!;
  let seen = 0;
  for await (const page of stream.poll(null, { startedAt: new Date() })) seen += page.events.length;
  return seen;
}

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

export default async function bench(): Promise<void> {
  const sim = await new ServiceNowSimulator().start();
  try {
    seedServiceNow(sim.state, { seed: 42, changes: N, incidents: 0 });
    console.log(`\nServiceNow simulator, ${N} change requests, one full pass each`);
    await rawOffsetPaging(sim.url, 1000); // warm-up (JIT, sockets)
    const base = await time(() => rawOffsetPaging(sim.url, 1000));
    console.log(row('raw Table API, offset paging, fetch, page 1000', base.value, base.ms));
    for (const size of [100, 1000]) {
      const r = await time(() => connectorPass(sim.url, size));
      console.log(row(`connector stream, cursor paging, page ${size}`, r.value, r.ms, base.ms));
    }
    const dir = mkdtempSync(join(tmpdir(), 'cb-bench-sn-'));
    try {
      const db = await Database.open({ url: `sqlite:${join(dir, 'bench.db')}` });
      await db.migrate();
      const store = createStore(db);
      const http = createHttpClientFactory({
        defaults: { intervalCap: 0 },
        logger: createNullLogger(),
      });
      const connector = createServiceNowConnector(
        { baseUrl: sim.url, auth, overlapSeconds: 0 },
        { http },
      );
      const stream = connector.streams.find((s) => s.name === 'change_request')!;
      const r = await time(() =>
        runPollPass(store, 'servicenow', stream, { startedAt: new Date() }),
      );
      console.log(row('poll pass into the SQLite inbox, page 1000', r.value.events, r.ms, base.ms));
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    await sim.stop();
  }
}
