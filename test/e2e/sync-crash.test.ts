import { seedServiceNow } from '../../connectors/servicenow/simulator-seed.js';
import { seedJira } from '../../connectors/jira/simulator-seed.js';
import { actTwo, seedStory, type StoryFacts } from '../../src/demo/story.js';
import { approveJiraOnlyChange } from '../../src/demo/story-act-two.js';
import { person } from '../../src/demo/story-cast.js';
import { editSummary } from '../../src/demo/story-jira.js';
import { seededRandom } from '../../src/runtime/seeded-random.js';
import {
  createTestDatabase,
  describeEachDatabase,
  type TestDatabase,
} from '../support/databases.js';
import {
  eventually,
  freePort,
  spawnDaemon,
  writeConfig,
  type DaemonProcess,
} from '../support/daemon-process.js';
import {
  approvalComments,
  convergenceProblems,
  createdChangeRequests,
  repeatedEffects,
  sendWebhooksTo,
  startSimWorld,
  worldConfigYaml,
  type SimWorld,
} from '../support/sync-world.js';

/**
 * DESIGN §2: "a crash at any point may repeat a write attempt but never produces a second
 * effect", and nothing acknowledged or polled is lost. The daemon is SIGKILLed at 20
 * seeded random points while it polls, processes and writes back, people keep editing on
 * both sides, and one last run must converge with nothing repeated and nothing stuck.
 */

// Short worker leases so rows a killed daemon had claimed come back within the test.
const SHORT_LEASES = `sync:
  processor:
    leaseSeconds: 5
  dispatcher:
    leaseSeconds: 5
`;
const KILLS = 20;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Story + 30 more change requests + 30 more issues; the Jira-only issues, by key. */
function seedLoad(world: SimWorld, now: Date): { facts: StoryFacts; jiraOnly: string[] } {
  const facts = seedStory({ servicenow: world.servicenow, jira: world.jira }, now);
  seedServiceNow(world.servicenow.state, { changes: 30, seed: 5, now });
  seedJira(world.jira.state, { issues: 30, seed: 5, changeNumberField: 'customfield_10100' });
  const jiraOnly = [...world.jira.state.issues.values()]
    .filter((i) => i.issueType === 'Change' && !i.customFields.customfield_10100)
    .map((i) => i.key);
  return { facts, jiraOnly };
}

describeEachDatabase('e2e: daemon killed at random points', (dialect) => {
  let world: SimWorld;
  let database: TestDatabase;
  let daemon: DaemonProcess | undefined;

  beforeEach(async () => {
    world = await startSimWorld();
    database = await createTestDatabase(dialect);
    await (await database.open()).close();
  });
  afterEach(async () => {
    await daemon?.kill('SIGKILL');
    daemon = undefined;
    await world.close();
    await database.drop();
  }, 30_000);

  it(`converges after ${KILLS} SIGKILLs with no repeated effect and no stuck row`, async () => {
    const random = seededRandom(dialect === 'sqlite' ? 2024 : 2025);
    const { facts, jiraOnly } = seedLoad(world, new Date());
    const engineer = person(facts.people, 'engineer');
    // Edited while the daemon runs or lies dead: seeded changes, and issues no change
    // request owns (their title comes from Jira alone).
    const snEdits = [...world.servicenow.state.table('change_request').values()]
      .filter((r) => !Object.values(facts.changes).some((c) => c.sysId === r.sys_id))
      .map((r) => r.sys_id!);
    const numbers = new Set(
      [...world.servicenow.state.table('change_request').values()].map((r) => r.number),
    );
    const jiraEdits = [...world.jira.state.issues.values()]
      .filter((i) => {
        const n = i.customFields.customfield_10100;
        return typeof n === 'string' ? !numbers.has(n) : i.issueType !== 'Change';
      })
      .map((i) => i.key);
    const port = await freePort();
    const file = writeConfig(
      worldConfigYaml(world, database.url, {
        serverPort: port,
        poll: '*/1 * * * * *',
        logLevel: 'info',
        more: SHORT_LEASES,
      }),
    );
    const runs: string[] = [];
    const tail = () =>
      runs
        .concat(daemon?.output() ?? '')
        .join('\n--- restart ---\n')
        .slice(-4000);
    const edit = (round: number) => {
      const sysId = snEdits[round % snEdits.length]!;
      world.servicenow.state.update(
        'change_request',
        sysId,
        { short_description: `Edited in round ${round}` },
        { user: engineer.servicenow.userName },
      );
      const key = jiraEdits[round % jiraEdits.length]!;
      editSummary(world.jira.state, key, `Jira edit in round ${round}`, engineer.jira.accountId);
    };
    let actedTwo: ReturnType<typeof actTwo> | undefined;
    const delays: number[] = [];
    for (let round = 0; round < KILLS; round++) {
      daemon = await spawnDaemon({ configFile: file, port, env: world.env });
      // Jira keeps every registration: register the one URL once (same port every run).
      if (round === 0) sendWebhooksTo(world, daemon.url);
      const delay = 100 + Math.floor(random() * 700);
      delays.push(delay);
      await sleep(delay / 2);
      edit(round); // while it works: the webhook may land just before the kill
      if (round === KILLS / 2) {
        actedTwo = actTwo({ servicenow: world.servicenow, jira: world.jira }, facts, new Date());
      }
      if (round % 5 === 4) {
        // Every fifth kill lands inside a poll pass: after its first stream, before the rest.
        const d = daemon;
        await eventually(() => d.output().includes('"poll.stream_done"'), {
          timeoutMs: 10_000,
          intervalMs: 5, // catch the pass before its remaining streams finish
          describe: async () => {
            const leases = await database.open({ migrate: false });
            const rows: unknown = await leases.dataSource.query('SELECT * FROM job_leases');
            await leases.close();
            return `no poll pass in round ${round}; job_leases ${JSON.stringify(rows)}\n${tail()}`;
          },
        });
      } else {
        await sleep(delay - Math.floor(delay / 2));
      }
      await daemon.kill('SIGKILL');
      runs.push(daemon.output());
      daemon = undefined;
      if (round % 3 === 0) edit(KILLS + round); // while it is down: only a poll finds it
    }

    daemon = await spawnDaemon({ configFile: file, port, env: world.env });
    if (actedTwo?.jiraOnlyChange.outcome !== 'approved') {
      // The change request for the Jira-only issue did not exist yet at act two.
      await eventually(
        () =>
          approveJiraOnlyChange(world.servicenow.state, facts, new Date()).outcome === 'approved',
        { timeoutMs: 30_000, describe: tail },
      );
    }
    const db = await database.open({ migrate: false });
    try {
      let last: string[] = [];
      await eventually(
        async () => (last = await convergenceProblems(world, db, jiraOnly)).length === 0,
        {
          timeoutMs: 45_000,
          intervalMs: 500,
          describe: async () =>
            `${tail()}\ndelays ${delays.join(',')}\njob_leases: ${JSON.stringify(
              await db.dataSource.query(
                'SELECT job, holder, lease_until, last_tick FROM job_leases',
              ),
            )}\nproblems:\n${last.join('\n')}`,
        },
      );
      expect(repeatedEffects(world)).toEqual([]);
      const pg = world.jira.state.find(facts.changes.postgresUpgrade.jiraIssueKey!)!;
      expect(approvalComments(pg)).toHaveLength(1);
    } finally {
      await db.close();
    }
  }, 180_000);
});

/**
 * DESIGN §5 "Rate limits and retries" end to end: both simulators fail 20 % of requests
 * (429 with and without Retry-After, 500, 502, 503, connection reset) and the daemon runs
 * with a cap of CAP request starts per second per host. The story still converges, and
 * no simulator ever saw more than CAP requests in any sliding second.
 */
const CAP = 20;

/** The arrivals in the busiest second, relative to its first, for the failure report. */
function densest(arrivals: [number, string][]): string {
  let best = [0, 0];
  for (let hi = 0, lo = 0; hi < arrivals.length; hi++) {
    while (arrivals[hi]![0] - arrivals[lo]![0] >= 1000) lo++;
    if (hi - lo > best[1]! - best[0]!) best = [lo, hi];
  }
  const t0 = arrivals[best[0]!]?.[0] ?? 0;
  return arrivals
    .slice(best[0], best[1]! + 1)
    .map(([t, what]) => `${(t - t0).toFixed(1)} ms ${what}`)
    .join('\n');
}
describeEachDatabase('e2e: daemon against faulty, rate-capped vendors', (dialect) => {
  if (dialect === 'mysql') return; // the HTTP layer does not depend on the database
  let world: SimWorld;
  let database: TestDatabase;
  let daemon: DaemonProcess | undefined;

  beforeEach(async () => {
    world = await startSimWorld({
      servicenow: { faults: { rate: 0.2, seed: 31 } },
      jira: { faults: { rate: 0.2, seed: 37 } },
    });
    database = await createTestDatabase(dialect);
    await (await database.open()).close();
  });
  afterEach(async () => {
    await daemon?.kill('SIGKILL');
    daemon = undefined;
    await world.close();
    await database.drop();
  }, 30_000);

  it(`converges with 20 % faults and keeps to ${CAP} requests per second per host`, async () => {
    const facts = seedStory({ servicenow: world.servicenow, jira: world.jira }, new Date());
    const port = await freePort();
    const file = writeConfig(
      worldConfigYaml(world, database.url, {
        serverPort: port,
        poll: '*/1 * * * * *',
        logLevel: 'info',
        http: { intervalCap: CAP, intervalMs: 1000, baseBackoffMs: 50, maxBackoffMs: 1000 },
      }),
    );
    // Arrival times at the Jira simulator (authorised requests), to show a busy second.
    const arrivals: [number, string][] = [];
    world.jira.beforeHandle = (m, p) => arrivals.push([performance.now(), `${m} ${p}`]);
    daemon = await spawnDaemon({ configFile: file, port, env: world.env });
    sendWebhooksTo(world, daemon.url);
    const issue = (key: string) => world.jira.state.find(key)!;
    const tls = facts.changes.tlsRotation.jiraIssueKey!;
    const pay = facts.jiraOnlyIssue.key;
    const pg = facts.changes.postgresUpgrade.jiraIssueKey!;
    // On a timeout: which conditions still fail, what the inbox and outbox hold (dead
    // letters with their reasons), and the end of the daemon's log.
    const describe = async () => {
      const state = {
        [`${tls} approved`]: issue(tls).labels.includes('change-approved'),
        [`${pay} has a change number`]: Boolean(issue(pay).customFields.customfield_10100),
        [`${pay} approved`]: issue(pay).labels.includes('change-approved'),
        [`${pg} approved`]: issue(pg).labels.includes('change-approved'),
        [`${pg} approval comments`]: approvalComments(issue(pg)).length,
      };
      const db = await database.open({ migrate: false });
      try {
        const q = (sql: string) => db.dataSource.query(sql) as Promise<unknown[]>;
        const inbox = await q(
          'SELECT status, COUNT(*) AS n FROM inbox_events GROUP BY status ORDER BY status',
        );
        const outbox = await q(
          'SELECT status, operation, COUNT(*) AS n FROM outbox_commands GROUP BY status, operation ORDER BY status, operation',
        );
        const failing = await q(
          "SELECT 'inbox' AS queue, status, attempts, last_error FROM inbox_events WHERE last_error IS NOT NULL UNION ALL SELECT 'outbox', status, attempts, last_error FROM outbox_commands WHERE last_error IS NOT NULL",
        );
        const dead = await q('SELECT origin, reason, attempts FROM dead_letters');
        return [
          `conditions ${JSON.stringify(state)}`,
          `inbox ${JSON.stringify(inbox)}`,
          `outbox ${JSON.stringify(outbox)}`,
          `with errors ${JSON.stringify(failing.slice(0, 20))}`,
          `dead letters ${JSON.stringify(dead.slice(0, 20))}`,
          daemon!.output().slice(-3000),
        ].join('\n');
      } finally {
        await db.close();
      }
    };
    await eventually(() => issue(tls).labels.includes('change-approved'), {
      timeoutMs: 45_000,
      describe,
    });
    await eventually(() => issue(pay).customFields.customfield_10100, {
      timeoutMs: 45_000,
      describe,
    });
    actTwo({ servicenow: world.servicenow, jira: world.jira }, facts, new Date());
    await eventually(
      () =>
        issue(pg).labels.includes('change-approved') &&
        approvalComments(issue(pg)).length > 0 &&
        issue(pay).labels.includes('change-approved'),
      { timeoutMs: 60_000, describe },
    );
    expect(approvalComments(issue(pg))).toHaveLength(1);
    expect(repeatedEffects(world)).toEqual([]);
    expect(createdChangeRequests(world)).toHaveLength(1);
    // The faults really happened and were retried.
    expect(daemon.events().filter((l) => l.event === 'http.retry').length).toBeGreaterThan(5);
    // p-queue's strict window admits a start when `Date.now() - oldest >= interval`, in
    // whole milliseconds, while the meter times arrivals in fractions of one with a
    // half-open window; a start at 999.x ms real time after the oldest can therefore count
    // in the same metered second. That, and no more, is the +1.
    const rates = {
      servicenow: world.servicenow.maxRequestsPerWindow(1000),
      jira: world.jira.maxRequestsPerWindow(1000),
    };
    if (rates.jira > CAP + 1)
      process.stdout.write(`[faults] jira arrivals:\n${densest(arrivals)}\n`);
    expect(rates.servicenow).toBeLessThanOrEqual(CAP + 1);
    expect(rates.jira).toBeLessThanOrEqual(CAP + 1);
    process.stdout.write(
      `[faults] max requests per second: ${JSON.stringify(rates)}; total ` +
        `${world.servicenow.requestCount} + ${world.jira.requestCount}\n`,
    );
  }, 150_000);
});
