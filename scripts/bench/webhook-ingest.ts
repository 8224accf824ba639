/**
 * Webhook ingest benchmark (`npm run bench -- webhook-ingest`; DESIGN issue 7 target:
 * p99 ack latency ≤ 20 ms at 500 requests/s).
 *
 * The changebridge server (real GitHub connector verifying the HMAC, inbox insert on a temp
 * SQLite database, 202 only after the commit) runs next to a bare `node:http` server that
 * only reads the body, in the same run and under the same load. The load generator runs
 * in a worker thread so its own work does not sit on the servers' event loop.
 *   1. fixed rate: BENCH_INGEST_RATE (500) requests/s for BENCH_INGEST_SECONDS (30) →
 *      ack latency p50/p99/max, measured from each request's scheduled send time;
 *   2. saturation: BENCH_INGEST_CONCURRENCY (16) requests in flight for up to 5 s →
 *      max throughput, and changebridge's ratio to the bare server.
 * Loopback only, keep-alive agents, bounded loops. Numbers are printed, never asserted.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createGitHubConnector } from '../../connectors/github/index.js';
import { signedHeaders } from '../../connectors/github/simulator/index.js';
import { createHttpServer, databaseReadiness } from '../../src/api/index.js';
import { createMetrics } from '../../src/report/index.js';
import { createHttpClientFactory, createNullLogger, systemClock } from '../../src/runtime/index.js';
import { createStore, Database } from '../../src/store/index.js';

const SECONDS = Number(process.env.BENCH_INGEST_SECONDS ?? 30);
const RATE = Number(process.env.BENCH_INGEST_RATE ?? 500);
const CONCURRENCY = Number(process.env.BENCH_INGEST_CONCURRENCY ?? 16);
const SATURATION_SECONDS = Math.min(SECONDS, 5);
const SECRET = 'bench-hook-secret';

interface LoadResult {
  sent: number;
  ok: number;
  failed: number;
  /** Requests not sent because MAX_IN_FLIGHT were already waiting (server fell behind). */
  shed: number;
  elapsedMs: number;
  latenciesMs: number[];
}

/** Plain JS, run with `eval: true`: the worker needs no TypeScript loader. */
const LOAD_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { performance } = require('node:perf_hooks');
const { url, headers, body, mode, rate, seconds, concurrency, prefix } = workerData;
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });
const MAX_IN_FLIGHT = 1000;
const result = { sent: 0, ok: 0, failed: 0, shed: 0, elapsedMs: 0, latenciesMs: [] };
let inFlight = 0;
function send(i, scheduledAt) {
  result.sent++;
  inFlight++;
  return new Promise((resolve) => {
    const req = http.request({ host: target.hostname, port: target.port, path: target.pathname,
      method: 'POST', agent, headers: { ...headers, 'x-github-delivery': prefix + i,
      'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => {
        inFlight--;
        if (res.statusCode === 202) result.ok++; else result.failed++;
        result.latenciesMs.push(performance.now() - scheduledAt);
        resolve();
      });
    });
    req.on('error', () => { inFlight--; result.failed++; resolve(); });
    req.end(body);
  });
}
async function fixedRate() {
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const start = performance.now();
  const pending = [];
  let i = 0;
  while (i < total) {
    const now = performance.now();
    while (i < total && start + i * interval <= now) {
      if (inFlight >= MAX_IN_FLIGHT) result.shed++;
      else pending.push(send(i, start + i * interval));
      i++;
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(pending);
  result.elapsedMs = performance.now() - start;
}
async function saturate() {
  const start = performance.now();
  const end = start + seconds * 1000;
  let i = 0;
  const lane = async () => { while (performance.now() < end) { const n = i++; await send(n, performance.now()); } };
  await Promise.all(Array.from({ length: concurrency }, lane));
  result.elapsedMs = performance.now() - start;
}
(mode === 'rate' ? fixedRate() : saturate()).then(() => {
  agent.destroy();
  parentPort.postMessage(result);
});
`;

function runLoad(workerData: Record<string, unknown>): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(LOAD_WORKER, { eval: true, workerData });
    worker.once('message', (r: LoadResult) => resolve(r));
    worker.once('error', reject);
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function summarise(label: string, r: LoadResult): { rps: number; p99: number } {
  const sorted = [...r.latenciesMs].sort((a, b) => a - b);
  const rps = (r.ok / r.elapsedMs) * 1000;
  const p50 = percentile(sorted, 50);
  const p99 = percentile(sorted, 99);
  console.log(
    `  ${label.padEnd(38)} ${rps.toFixed(0).padStart(6)} req/s  p50 ${p50.toFixed(2).padStart(6)} ms` +
      `  p99 ${p99.toFixed(2).padStart(6)} ms  max ${(sorted.at(-1) ?? 0).toFixed(1).padStart(6)} ms` +
      `  (${r.ok} ok, ${r.failed} failed, ${r.shed} shed)`,
  );
  return { rps, p99 };
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    }),
  );
}

/** The baseline: what node:http costs to read a body and answer, nothing else. */
function bareServer(): Server {
  const server = createServer((req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => {
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  // fastify's keep-alive timeout (72 s), not node's 5 s: otherwise the agent races the
  // server closing idle sockets and the baseline loses requests the other side does not.
  server.keepAliveTimeout = 72_000;
  return server;
}

export default async function main(): Promise<void> {
  const require = createRequire(import.meta.url);
  const examples = require('@octokit/webhooks-examples/api.github.com/index.json') as {
    name: string;
    examples: Record<string, unknown>[];
  }[];
  const payload = examples
    .find((e) => e.name === 'pull_request')!
    .examples.find((b) => b.action === 'opened')!;
  const body = JSON.stringify(payload);
  // The GitHub connector dedupes on X-GitHub-Delivery, so one signed body serves every
  // request; each gets a fresh delivery id and becomes its own inbox row.
  const headers = signedHeaders('pull_request', 'overwritten', 501, body, SECRET);

  const dir = mkdtempSync(join(tmpdir(), 'cb-bench-ingest-'));
  const db = await Database.open({ url: `sqlite:${join(dir, 'bench.db')}` });
  const logger = createNullLogger();
  const bare = bareServer();
  const app = createHttpServer({
    store: createStore(db),
    connectors: [
      createGitHubConnector(
        {
          name: 'gh',
          apiUrl: 'http://127.0.0.1:9',
          auth: { type: 'token', token: 'ghp_unused00000000000000' },
          webhookSecrets: [SECRET],
          repositories: [],
        },
        { http: createHttpClientFactory({ logger }), logger, clock: systemClock },
      ),
    ],
    metrics: createMetrics(),
    logger,
    bodyLimitBytes: 1_048_576,
    ready: databaseReadiness(db),
  });
  try {
    await db.migrate();
    const cbUrl = `${await app.listen({ port: 0, host: '127.0.0.1' })}/webhooks/github`;
    const bareUrl = `${await listen(bare)}/webhooks/github`;
    const common = { headers, body, rate: RATE, concurrency: CONCURRENCY };
    console.log(
      `\nwebhook ingest, ${(body.length / 1024).toFixed(1)} KiB signed GitHub deliveries, SQLite (WAL)`,
    );
    console.log(`fixed rate: ${RATE} req/s for ${SECONDS} s (target: changebridge p99 ≤ 20 ms)`);
    const bareRate = summarise(
      'bare node:http (reads body)',
      await runLoad({ ...common, url: bareUrl, mode: 'rate', seconds: SECONDS, prefix: 'b-' }),
    );
    const cbRate = summarise(
      'changebridge (verify + inbox commit)',
      await runLoad({ ...common, url: cbUrl, mode: 'rate', seconds: SECONDS, prefix: 'r-' }),
    );
    console.log(
      `  p99 ${cbRate.p99 <= 20 ? 'meets' : 'MISSES'} the 20 ms target; ` +
        `throughput ratio at ${RATE} req/s: ${(cbRate.rps / bareRate.rps).toFixed(2)}`,
    );
    console.log(`saturation: ${CONCURRENCY} in flight for ${SATURATION_SECONDS} s`);
    const sat = { ...common, mode: 'saturate', seconds: SATURATION_SECONDS };
    const bareMax = summarise(
      'bare node:http (reads body)',
      await runLoad({ ...sat, url: bareUrl, prefix: 'bs-' }),
    );
    const cbMax = summarise(
      'changebridge (verify + inbox commit)',
      await runLoad({ ...sat, url: cbUrl, prefix: 's-' }),
    );
    console.log(
      `  max throughput ratio: ${(cbMax.rps / bareMax.rps).toFixed(2)} of bare node:http`,
    );
  } finally {
    await app.close();
    await new Promise((resolve) => bare.close(resolve));
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
