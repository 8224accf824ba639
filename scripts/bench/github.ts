/**
 * GitHub webhook parsing (`npm run bench -- github`): the connector's full path
 * (HMAC-SHA256 check against 2 rotating secrets, JSON parse, zod, key extraction) next to
 * a bare `JSON.parse` of the same bodies, measured in the same run. Numbers only.
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { handleGitHubWebhook } from '../../connectors/github/webhook.js';
import { hmacSha256 } from '../../src/runtime/index.js';

const N = Number(process.env.BENCH_WEBHOOKS ?? 5000);
const require = createRequire(import.meta.url);
const sets = require('@octokit/webhooks-examples/api.github.com/index.json') as {
  name: string;
  examples: unknown[];
}[];

export default async function bench(): Promise<void> {
  const bodies = sets
    .filter((s) =>
      ['pull_request', 'pull_request_review', 'push', 'deployment', 'deployment_status'].includes(
        s.name,
      ),
    )
    .flatMap((s) => s.examples.map((e) => ({ name: s.name, raw: Buffer.from(JSON.stringify(e)) })));
  const secrets = ['old-secret', 'new-secret'];
  const requests = bodies.map((b, i) => ({
    headers: {
      'x-github-event': b.name,
      'x-github-delivery': `d-${i}`,
      'x-hub-signature-256': `sha256=${hmacSha256('new-secret', b.raw, 'hex')}`,
    },
    rawBody: b.raw,
    receivedAt: new Date(),
  }));
  const settings = { connection: 'gh', secrets, maxBodyBytes: 25 << 20 };
  const avgKb = bodies.reduce((n, b) => n + b.raw.length, 0) / bodies.length / 1024;
  console.log(
    `\n${N} webhooks cycling over ${bodies.length} real payloads (avg ${avgKb.toFixed(1)} KiB)`,
  );

  const time = (fn: (i: number) => void): number => {
    for (let i = 0; i < 200; i++) fn(i); // warm-up
    const start = performance.now();
    for (let i = 0; i < N; i++) fn(i);
    return performance.now() - start;
  };
  let sink = 0;
  const base = time((i) => {
    const body = JSON.parse(bodies[i % bodies.length]!.raw.toString('utf8')) as object;
    sink += Object.keys(body).length;
  });
  const full = time((i) => {
    const out = handleGitHubWebhook(settings, requests[i % requests.length]!);
    sink += out.outcome.length;
  });
  const rate = (ms: number) => Math.round((N / ms) * 1000);
  console.log(
    `  JSON.parse only (baseline)                          ${String(rate(base)).padStart(8)} /s`,
  );
  console.log(
    `  verify (2 secrets) + parse + zod + keys             ${String(rate(full)).padStart(8)} /s  ${(base / full).toFixed(2)}× baseline`,
  );
  if (sink < 0) console.log(sink);
  await Promise.resolve();
}
