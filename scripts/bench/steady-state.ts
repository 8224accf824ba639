/**
 * Steady-state poll cost (`npm run bench -- steady-state`; DESIGN target: a poll cycle with
 * nothing changed makes one read per stream and zero writes).
 *
 * The demo story is seeded into the simulators (this process), then `changebridge sync
 * --once --json` runs as a child process against a temp SQLite database until a pass
 * writes nothing back (at most BENCH_CONVERGE_RUNS, 5). Then one more pass runs with
 * nothing changed, and the requests it made are counted from the simulators' own request
 * logs: GETs grouped by path (reads), everything else (writes). ServiceNow polls three
 * streams (change_request, sysapproval_approver, incident) with Basic auth, so no token
 * request; Jira polls one (search/jql). Printed PASS/FAIL; never fails the run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedStory } from '../../src/demo/story.js';
import { startSimWorld, type SimWorld } from '../../test/support/sync-world.js';
import { ensureBuilt, runCli, runCliOk } from './support/cli-process.js';
import { benchConfigYaml, writeBenchConfig } from './support/sim-config.js';

const MAX_RUNS = Number(process.env.BENCH_CONVERGE_RUNS ?? 5);
const EXPECTED: Record<string, Record<string, number>> = {
  servicenow: {
    '/api/now/table/change_request': 1,
    '/api/now/table/sysapproval_approver': 1,
    '/api/now/table/incident': 1,
  },
  jira: { '/rest/api/3/search/jql': 1 },
};

interface Summary {
  polled: { connection: string; stream: string; events: number; duplicates: number }[];
  processed: Record<string, number>;
  dispatched: Record<string, number>;
  rounds: number;
}

interface Logged {
  method: string;
  path: string;
}

async function syncOnce(world: SimWorld, config: string): Promise<Summary> {
  const run = await runCli(['sync', '--once', '--json', '--config', config], { env: world.env });
  // The ServiceNow simulator logs a request when its socket closes: let those land.
  await new Promise((r) => setTimeout(r, 50));
  const line = run.output
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{"polled"'));
  if (!line) {
    throw new Error(
      `[bench] sync --once (exit ${run.code}) printed no JSON summary:\n${run.output.slice(-4000)}`,
    );
  }
  return JSON.parse(line) as Summary;
}

function describe(s: Summary): string {
  const polled = s.polled
    .map((p) => `${p.connection}/${p.stream} ${p.events} new + ${p.duplicates} seen`)
    .join(', ');
  return `${s.rounds} round(s); polled ${polled}; processed ${JSON.stringify(s.processed)}; write-back ${JSON.stringify(s.dispatched)}`;
}

function tally(requests: Logged[]): { reads: Map<string, number>; writes: Map<string, number> } {
  const reads = new Map<string, number>();
  const writes = new Map<string, number>();
  for (const r of requests) {
    const into = r.method === 'GET' ? reads : writes;
    const key = r.method === 'GET' ? r.path : `${r.method} ${r.path}`;
    into.set(key, (into.get(key) ?? 0) + 1);
  }
  return { reads, writes };
}

function check(system: string, requests: Logged[]): boolean {
  const { reads, writes } = tally(requests);
  const expected = EXPECTED[system] ?? {};
  const paths = new Set([...Object.keys(expected), ...reads.keys()]);
  let ok = writes.size === 0;
  console.log(`\n  ${system}: ${requests.length} request(s)`);
  for (const path of [...paths].sort()) {
    const got = reads.get(path) ?? 0;
    const want = expected[path] ?? 0;
    ok &&= got === want;
    console.log(
      `    read  ${path.padEnd(40)} ${String(got).padStart(3)}  (expected ${want})${got === want ? '' : '  ←'}`,
    );
  }
  for (const [what, n] of writes)
    console.log(`    write ${what.padEnd(40)} ${String(n).padStart(3)}  ←`);
  const readTotal = [...reads.values()].reduce((a, b) => a + b, 0);
  const writeTotal = [...writes.values()].reduce((a, b) => a + b, 0);
  console.log(
    `    ${system}: ${readTotal} read(s), ${writeTotal} write(s): ${ok ? 'PASS' : 'FAIL'}`,
  );
  return ok;
}

export default async function main(): Promise<void> {
  ensureBuilt();
  console.log('\nsteady state: the demo story on ServiceNow + Jira simulators, SQLite (WAL)');
  const world = await startSimWorld();
  const dir = mkdtempSync(join(tmpdir(), 'cb-bench-steady-'));
  try {
    seedStory({ servicenow: world.servicenow, jira: world.jira }, new Date());
    const config = writeBenchConfig(
      benchConfigYaml(world, `sqlite:${join(dir, 'steady.db')}`, { logLevel: 'warn' }),
      dir,
    );
    await runCliOk(['migrate', '--config', config], { env: world.env });
    let converged = false;
    for (let i = 1; i <= MAX_RUNS && !converged; i++) {
      const s = await syncOnce(world, config);
      console.log(`  sync --once #${i}: ${describe(s)}`);
      converged = i >= 2 && s.dispatched.done === 0 && s.rounds === 1;
    }
    if (!converged) console.log(`  not converged after ${MAX_RUNS} runs; measuring anyway`);

    const sn = world.servicenow.requests.length;
    const jira = world.jira.requests.length;
    const quiet = await syncOnce(world, config);
    console.log(`  quiet sync --once: ${describe(quiet)}`);
    const snOk = check('servicenow', world.servicenow.requests.slice(sn));
    const jiraOk = check('jira', world.jira.requests.slice(jira));
    console.log(
      `\n  one read per stream, zero writes: ${snOk && jiraOk ? 'PASS' : 'FAIL'}` +
        ` (servicenow ${snOk ? 'PASS' : 'FAIL'}, jira ${jiraOk ? 'PASS' : 'FAIL'})`,
    );
  } finally {
    await world.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
