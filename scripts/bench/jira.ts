/**
 * Jira poll throughput (`npm run bench -- jira`): issues per second through the connector
 * against the simulator over loopback HTTP, next to a baseline measured in the same run —
 * plain `fetch` paging of the same search — so the ratio shows what the connector (jira.js,
 * the shared queue, zod, changelog handling) and the inbox cost. Numbers are printed, never asserted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createJiraConnector } from '../../connectors/jira/index.js';
import { JiraSimulator } from '../../connectors/jira/simulator.js';
import { seedJira } from '../../connectors/jira/simulator-seed.js';
import { buildIncrementalJql } from '../../connectors/jira/jql.js';
import { runPollPass } from '../../src/ingest/index.js';
import { createHttpClientFactory, createNullLogger } from '../../src/runtime/index.js';
import { createStore, Database } from '../../src/store/index.js';

const N = Number(process.env.BENCH_JIRA_ISSUES ?? 3000);
const PAGE = 100;
const FIELDS = ['summary', 'status', 'labels', 'updated', 'customfield_10050'];

function row(label: string, n: number, ms: number, baselineMs?: number): string {
  const rate = Math.round((n / ms) * 1000);
  const ratio = baselineMs === undefined ? 'baseline' : `${(baselineMs / ms).toFixed(2)}× baseline`;
  return `  ${label.padEnd(56)} ${String(rate).padStart(8)} issues/s  ${ratio}`;
}

export default async function main(): Promise<void> {
  let t = Date.parse('2026-03-01T00:00:00Z');
  const sim = new JiraSimulator({ now: () => (t += 1000) });
  const url = await sim.start();
  seedJira(sim.state, { seed: 42, issues: N, projects: ['OPS', 'PAY'] });
  const dir = mkdtempSync(join(tmpdir(), 'cb-bench-jira-'));
  try {
    console.log(`\nJira poll, ${N} issues, pages of ${PAGE}, simulator on loopback`);
    const jql = buildIncrementalJql({
      projects: ['OPS', 'PAY'],
      issueTypes: [],
      since: new Date('2026-02-28T00:00:00Z'),
      timeZone: 'UTC',
    });
    const authorization = `Basic ${Buffer.from(`${sim.email}:${sim.apiToken}`).toString('base64')}`;
    let seen = 0;
    const t0 = performance.now();
    for (let token: string | undefined; ;) {
      const qs = new URLSearchParams({
        jql,
        maxResults: String(PAGE),
        fields: FIELDS.join(','),
        expand: 'changelog',
        ...(token ? { nextPageToken: token } : {}),
      });
      const res = await fetch(`${url}/rest/api/3/search/jql?${qs}`, { headers: { authorization } });
      const body = (await res.json()) as {
        issues: unknown[];
        nextPageToken?: string;
        isLast: boolean;
      };
      seen += body.issues.length;
      if (body.isLast || !body.nextPageToken) break;
      token = body.nextPageToken;
    }
    const baseline = performance.now() - t0;
    console.log(row('plain fetch paging (baseline)', seen, baseline));

    const http = createHttpClientFactory({
      logger: createNullLogger(),
      defaults: { intervalCap: 0 },
    });
    const jira = createJiraConnector(
      {
        connection: 'jira',
        baseUrl: url,
        auth: { type: 'basic', email: sim.email, apiToken: sim.apiToken },
        projects: ['OPS', 'PAY'],
        fields: FIELDS,
        pageSize: PAGE,
        startFrom: new Date('2026-02-28T00:00:00Z'),
      },
      { http, logger: createNullLogger() },
    );
    let streamed = 0;
    const t1 = performance.now();
    for await (const page of jira.streams[0]!.poll(null, { startedAt: new Date(t + 3_600_000) }))
      streamed += page.events.length;
    console.log(
      row(
        'connector stream (jira.js + queue + zod), no storage',
        streamed,
        performance.now() - t1,
        baseline,
      ),
    );

    const db = await Database.open({ url: `sqlite:${join(dir, 'bench.db')}` });
    await db.migrate();
    const t2 = performance.now();
    const pass = await runPollPass(createStore(db), 'jira', jira.streams[0]!, {
      startedAt: new Date(t + 3_600_000),
    });
    console.log(
      row('runPollPass into the SQLite inbox', pass.events, performance.now() - t2, baseline),
    );
    const t3 = performance.now();
    const again = await runPollPass(createStore(db), 'jira', jira.streams[0]!, {
      startedAt: new Date(t + 7_200_000),
    });
    const incremental = performance.now() - t3;
    console.log(
      `  incremental re-poll, nothing changed: ${incremental.toFixed(0)} ms (${again.duplicates} overlap re-reads, ${again.events} new) vs ${baseline.toFixed(0)} ms for a full read (baseline)`,
    );
    await db.close();
  } finally {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
