/**
 * Reconciliation benchmark (`npm run bench -- reconcile`; issue target: 100,000 linked
 * changes reconciled against the simulators in ≤ 60 s on SQLite, reads batched, reported
 * with the API calls made per 1,000 changes).
 *
 * BENCH_CHANGES (100,000) ServiceNow change requests are seeded into the simulator, and a
 * Jira issue carrying the change number, title and approval label for every fourth one;
 * `changebridge backfill` (a child process, not measured) makes them canonical changes
 * with their links. Then `changebridge reconcile --json` runs as a child process: every
 * linked change is read fresh through the connectors' batched reads, mapped and compared.
 *
 * Baseline, same run: the same records fetched with bare batched HTTP GETs from this
 * process (ServiceNow sys_idIN…, Jira key IN…, 100 per request, no mapping, no
 * comparison, no database): what the reads alone cost on these simulators. Ratio =
 * baseline seconds / reconcile seconds (1.0 would mean reconciling is free beyond reading).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { seedServiceNow } from '../../connectors/servicenow/simulator-seed.js';
import { DEFAULT_SIM_USER } from '../../connectors/servicenow/simulator.js';
import { APPROVAL_LABELS } from '../../src/sync/plan-jira.js';
import { startSimWorld, type SimWorld } from '../../test/support/sync-world.js';
import { ensureBuilt, runCli, runCliOk } from './support/cli-process.js';
import { benchConfigYaml, writeBenchConfig } from './support/sim-config.js';

const N = Number(process.env.BENCH_CHANGES ?? 100_000);
const TARGET_SECONDS = 60;
const SN_APPROVAL: Record<string, keyof typeof APPROVAL_LABELS> = {
  'not requested': 'not_requested',
  requested: 'requested',
  approved: 'approved',
  rejected: 'rejected',
};

function adf(text: string): unknown {
  return {
    type: 'doc',
    version: 1,
    content: [{ type: 'paragraph', content: [{ type: 'text', text }] }],
  };
}

/** Jira issues agreeing with their change requests: a clean system has nothing to report. */
function seedIssues(world: SimWorld, every: number): number {
  const jira = world.jira.state;
  if (!jira.projects.has('OPS'))
    jira.addProject({ key: 'OPS', name: 'Operations', issueTypes: ['Change', 'Task'] });
  const project = jira.projects.get('OPS')!;
  const done = project.statuses.find((s) => s.category === 'done')!;
  const rows = [...world.servicenow.state.table('change_request').values()];
  let n = 0;
  for (let i = 0; i < rows.length; i += every) {
    const r = rows[i]!;
    const label = APPROVAL_LABELS[SN_APPROVAL[r.approval ?? ''] ?? 'not_requested'];
    const issue = jira.createIssue(
      {
        project: 'OPS',
        issueType: 'Change',
        summary: r.short_description ?? '',
        description: r.description ? adf(r.description) : null,
        labels: label ? [label] : [],
        customFields: {
          customfield_10100: r.number,
          customfield_10101: r.justification ? adf(r.justification) : null,
        },
      },
      'bench',
    );
    if (r.state === '3' || r.state === '4') issue.status = done.id;
    n += 1;
  }
  return n;
}

/** The same reads with nothing else: bare batched GETs against the simulators. */
async function baseline(
  world: SimWorld,
): Promise<{ seconds: number; requests: number; records: number }> {
  const sn = world.servicenow;
  const auth = `Basic ${Buffer.from(`${DEFAULT_SIM_USER.userName}:${world.env.SN_PASSWORD}`).toString('base64')}`;
  const ids = [...sn.state.table('change_request').keys()];
  const keys = [...world.jira.state.issues.values()].map((i) => i.key);
  const jiraAuth = `Basic ${Buffer.from(`${world.jira.email}:${world.env.JIRA_TOKEN}`).toString('base64')}`;
  const t0 = performance.now();
  let requests = 0;
  let records = 0;
  for (let i = 0; i < ids.length; i += 100) {
    const q = encodeURIComponent(`sys_idIN${ids.slice(i, i + 100).join(',')}`);
    const res = await fetch(
      `${sn.url}/api/now/table/change_request?sysparm_query=${q}&sysparm_limit=100`,
      {
        headers: { authorization: auth, accept: 'application/json' },
      },
    );
    const body = (await res.json()) as { result?: unknown[] };
    if (!body.result)
      throw new Error(`[bench] ServiceNow answered ${res.status}: ${JSON.stringify(body)}`);
    records += body.result.length;
    requests += 1;
  }
  for (let i = 0; i < keys.length; i += 100) {
    const jql = encodeURIComponent(`key IN (${keys.slice(i, i + 100).join(',')})`);
    const res = await fetch(
      `${world.jira.url}/rest/api/3/search/jql?jql=${jql}&maxResults=100&fields=*all`,
      {
        headers: { authorization: jiraAuth, accept: 'application/json' },
      },
    );
    const body = (await res.json()) as { issues?: unknown[] };
    if (!body.issues)
      throw new Error(`[bench] Jira answered ${res.status}: ${JSON.stringify(body)}`);
    records += body.issues.length;
    requests += 1;
  }
  return { seconds: (performance.now() - t0) / 1000, requests, records };
}

export default async function run(): Promise<void> {
  ensureBuilt();
  const world = await startSimWorld();
  const dir = mkdtempSync(join(tmpdir(), 'cb-bench-reconcile-'));
  try {
    console.log(`  seeding ${N} change requests…`);
    seedServiceNow(world.servicenow.state, { changes: N, incidents: 0, seed: 7 });
    const issues = seedIssues(world, 4);
    console.log(
      `  seeded ${N} change requests and ${issues} Jira issues; backfilling (not measured)…`,
    );
    const config = writeBenchConfig(
      benchConfigYaml(world, `sqlite:${join(dir, 'reconcile.db')}`, { logLevel: 'warn' }),
      dir,
    );
    await runCliOk(['migrate', '--config', config], { env: world.env });
    const backfill = await runCli(['backfill', '--config', config], { env: world.env });
    if (backfill.code !== 0)
      throw new Error(`[bench] backfill failed:\n${backfill.output.slice(-3000)}`);
    console.log(`  backfill took ${(backfill.ms / 1000).toFixed(1)} s; reconciling…`);
    const before = world.servicenow.requests.length + world.jira.requests.length;
    const rec = await runCli(['reconcile', '--json', '--config', config], { env: world.env });
    const reads = world.servicenow.requests.length + world.jira.requests.length - before;
    const json = rec.output.slice(rec.output.indexOf('{'), rec.output.lastIndexOf('}') + 1);
    let summary: {
      checked: number;
      recordsRead: number;
      apiCalls: number;
      found: number;
      ms: number;
      findings: { policy: string }[];
    };
    try {
      summary = JSON.parse(json) as typeof summary;
    } catch {
      throw new Error(
        `[bench] reconcile printed no JSON (exit ${rec.code}):\n${rec.output.slice(-3000)}`,
      );
    }
    const base = await baseline(world);
    const seconds = summary.ms / 1000;
    const byPolicy: Record<string, number> = {};
    for (const f of summary.findings) byPolicy[f.policy] = (byPolicy[f.policy] ?? 0) + 1;
    console.log(
      `  SQLite: ${summary.checked} linked changes, ${summary.recordsRead} records read fresh`,
    );
    console.log(
      `    reconcile run      ${seconds.toFixed(1)} s (${Math.round(summary.checked / seconds)} changes/s), process wall ${(rec.ms / 1000).toFixed(1)} s, peak RSS ${rec.peakRssMb.toFixed(0)} MB`,
    );
    console.log(
      `    API calls          ${summary.apiCalls} (${((summary.apiCalls / summary.checked) * 1000).toFixed(1)} per 1,000 changes; simulators saw ${reads})`,
    );
    console.log(`    discrepancies      ${summary.found} ${JSON.stringify(byPolicy)}`);
    console.log(
      `    baseline (bare batched GETs, same records): ${base.seconds.toFixed(1)} s, ${base.requests} requests, ${base.records} records`,
    );
    console.log(`    ratio baseline/reconcile ${(base.seconds / seconds).toFixed(2)}`);
    console.log(
      `    target ≤ ${TARGET_SECONDS} s for ${N} changes: ${seconds <= TARGET_SECONDS && summary.checked >= N ? 'MET' : 'MISSED'}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await world.close();
  }
}
