/**
 * GitLab connector benchmarks (`npm run bench -- gitlab`). Each number is printed next to
 * a baseline measured in the same run, so the ratio means something on any machine:
 * - webhook handling (authenticate + zod + key extraction) vs a bare `JSON.parse` of the body;
 * - polling the simulator through the connector (queue, retry layer, zod, events) vs raw
 *   `fetch` of the same pages. Numbers are printed, never asserted.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createGitLabConnector } from '../../connectors/gitlab/index.js';
import { handleGitLabWebhook } from '../../connectors/gitlab/webhook.js';
import {
  buildHookRequest,
  seedGitLab,
  startGitLabSimulator,
} from '../../connectors/gitlab/simulator/index.js';
import { createHttpClientFactory, createNullLogger } from '../../src/runtime/index.js';

const N = Number(process.env.BENCH_EVENTS ?? 5000);
const SIGNING = `whsec_${Buffer.from('bench-signing-key').toString('base64')}`;

function row(label: string, n: number, ms: number, baselineMs?: number): string {
  const rate = Math.round((n / ms) * 1000);
  const ratio =
    baselineMs === undefined ? 'baseline' : `${(ms / baselineMs).toFixed(1)}× baseline time`;
  return `  ${label.padEnd(56)} ${String(rate).padStart(9)} /s  ${ratio}`;
}

async function time(fn: () => Promise<void> | void): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function webhooks(): Promise<void> {
  const body = readFileSync('/work/shared/fixtures/gitlab/merge_request.json', 'utf8');
  const now = new Date();
  const plain = buildHookRequest(
    { url: 'x', token: 'tok', uuid: 'u' },
    'Merge Request Hook',
    body,
    { instance: 'x', now },
  );
  const signed = buildHookRequest(
    { url: 'x', token: 'tok', signingToken: SIGNING, uuid: 'u' },
    'Merge Request Hook',
    body,
    { instance: 'x', now },
  );
  const options = { connection: 'gl', baseUrl: 'http://127.0.0.1:9', token: 't', projects: [] };
  const req = (r: typeof plain) => ({
    headers: r.headers,
    rawBody: Buffer.from(r.body),
    receivedAt: now,
  });
  console.log(`\nwebhooks: ${N} merge request deliveries (${body.length} bytes each)`);
  const base = await time(() => {
    for (let i = 0; i < N; i++) JSON.parse(Buffer.from(plain.body).toString('utf8'));
  });
  console.log(row('baseline: JSON.parse of the body', N, base));
  const tokenMs = await time(() => {
    for (let i = 0; i < N; i++)
      handleGitLabWebhook({ ...options, webhook: { tokens: ['old', 'tok'] } }, req(plain));
  });
  console.log(row('X-Gitlab-Token (2 tokens) + parse + keys', N, tokenMs, base));
  const signedMs = await time(() => {
    for (let i = 0; i < N; i++)
      handleGitLabWebhook(
        { ...options, webhook: { tokens: ['tok'], signingTokens: [SIGNING] } },
        req(signed),
      );
  });
  console.log(row('token + Standard-Webhooks HMAC + parse + keys', N, signedMs, base));
}

async function poll(): Promise<void> {
  const mrs = Math.max(100, Math.round(N / 10));
  const sim = await startGitLabSimulator({ autoDeliver: false });
  try {
    seedGitLab(sim.state, { token: 'glpat-bench', mergeRequests: mrs });
    const url = `${sim.url}/api/v4/projects/acme%2Fpayments/merge_requests?updated_after=2000-01-01T00:00:00Z&order_by=updated_at&sort=asc&per_page=100`;
    console.log(`\npoll: ${mrs} merge requests from the simulator, 100 per page`);
    const base = await time(async () => {
      for (let page = '1'; page;) {
        const res = await fetch(`${url}&page=${page}`, {
          headers: { 'PRIVATE-TOKEN': 'glpat-bench' },
        });
        await res.json();
        page = res.headers.get('x-next-page') ?? '';
      }
    });
    console.log(row('baseline: raw fetch of every page', mrs, base));
    const http = createHttpClientFactory({
      defaults: { intervalCap: 0 },
      logger: createNullLogger(),
    });
    const connector = createGitLabConnector(
      {
        connection: 'gl',
        baseUrl: sim.url,
        token: 'glpat-bench',
        projects: ['acme/payments'],
        poll: { initialLookbackMs: 1e12 },
      },
      { http },
    );
    const stream = connector.streams.find((s) => s.name === 'merge_request')!;
    let events = 0;
    const ms = await time(async () => {
      for await (const page of stream.poll(null, { startedAt: new Date() }))
        events += page.events.length;
    });
    console.log(row(`connector poll (${events} events: queue, retry, zod, keys)`, mrs, ms, base));
  } finally {
    await sim.close();
  }
}

export default async function main(): Promise<void> {
  await webhooks();
  await poll();
}
