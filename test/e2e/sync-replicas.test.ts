import { seedServiceNow } from '../../connectors/servicenow/simulator-seed.js';
import { seedJira } from '../../connectors/jira/simulator-seed.js';
import { actTwo, seedStory } from '../../src/demo/story.js';
import { approveJiraOnlyChange } from '../../src/demo/story-act-two.js';
import { person } from '../../src/demo/story-cast.js';
import { editSummary } from '../../src/demo/story-jira.js';
import type { Database } from '../../src/store/index.js';
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
  convergenceProblems,
  repeatedEffects,
  sendWebhooksTo,
  startSimWorld,
  worldConfigYaml,
  type SimWorld,
} from '../support/sync-world.js';

/**
 * DESIGN §5 "Scale-out": two replicas on one MySQL/MariaDB database, each serving
 * webhooks and both polling every second. Inbox and outbox rows are claimed with SKIP
 * LOCKED, so each is worked once; the poll schedule's lease row admits one replica per
 * tick. SQLite is the single-process embedded default: this suite runs on MySQL only.
 */

type LogLine = Record<string, unknown>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How many log lines of `event` carry `field` = each value. */
function tally(lines: LogLine[], event: string, field: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of lines) {
    if (l.event !== event) continue;
    const v = String(l[field]);
    out.set(v, (out.get(v) ?? 0) + 1);
  }
  return out;
}

describeEachDatabase('e2e: two daemon replicas on one database', (dialect) => {
  if (dialect === 'sqlite') return; // one process per SQLite file (DESIGN §5)
  let world: SimWorld;
  let database: TestDatabase;
  let db: Database | undefined;
  const daemons: DaemonProcess[] = [];

  beforeEach(async () => {
    world = await startSimWorld();
    database = await createTestDatabase(dialect);
    await (await database.open()).close();
  });
  afterEach(async () => {
    await Promise.all(daemons.splice(0).map((d) => d.kill('SIGKILL')));
    await db?.close();
    db = undefined;
    await world.close();
    await database.drop();
  }, 30_000);

  it('works each event and command once and runs each poll tick on one replica', async () => {
    const now = new Date();
    const facts = seedStory({ servicenow: world.servicenow, jira: world.jira }, now);
    seedServiceNow(world.servicenow.state, { changes: 30, seed: 9, now });
    seedJira(world.jira.state, { issues: 30, seed: 9, changeNumberField: 'customfield_10100' });
    const jiraOnly = [...world.jira.state.issues.values()]
      .filter((i) => i.issueType === 'Change' && !i.customFields.customfield_10100)
      .map((i) => i.key);
    const [portA, portB] = [await freePort(), await freePort()];
    const file = writeConfig(
      worldConfigYaml(world, database.url, {
        serverPort: portA,
        poll: '*/1 * * * * *',
        logLevel: 'info',
      }),
    );
    // Both start at once and race for the first ticks and rows.
    const [a, b] = await Promise.all(
      [portA, portB].map((port) => spawnDaemon({ configFile: file, port, env: world.env })),
    );
    daemons.push(a!, b!);
    sendWebhooksTo(world, a!.url, 'servicenow');
    sendWebhooksTo(world, b!.url, 'jira');
    const describe = () => daemons.map((d) => d.output().slice(-2000)).join('\n--- B ---\n');

    // Who claims inbox rows: the column is cleared on completion, so watch it while busy.
    db = await database.open({ migrate: false });
    const claimers = new Set<string>();
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const rows = (await db!.dataSource.query(
          'SELECT DISTINCT claimed_by FROM inbox_events WHERE claimed_by IS NOT NULL',
        )) as { claimed_by: string }[];
        for (const r of rows) claimers.add(r.claimed_by);
        await sleep(25);
      }
    })();

    const engineer = person(facts.people, 'engineer');
    const seeded = [...world.servicenow.state.table('change_request').values()].slice(4);
    for (let round = 0; round < 6; round++) {
      await sleep(700);
      world.servicenow.state.update(
        'change_request',
        seeded[round]!.sys_id!,
        { short_description: `Replica round ${round}` },
        { user: engineer.servicenow.userName },
      );
      const task = jiraOnly[round % jiraOnly.length]!;
      editSummary(world.jira.state, task, `Replica edit ${round}`, engineer.jira.accountId);
      if (round === 3)
        actTwo({ servicenow: world.servicenow, jira: world.jira }, facts, new Date());
    }
    await eventually(
      () => approveJiraOnlyChange(world.servicenow.state, facts, new Date()).outcome === 'approved',
      { timeoutMs: 30_000, describe },
    );
    let last: string[] = [];
    await eventually(
      async () => (last = await convergenceProblems(world, db!, jiraOnly)).length === 0,
      {
        timeoutMs: 45_000,
        intervalMs: 500,
        describe: async () => {
          const stuck = await db!.dataSource.query(
            "SELECT id, operation, target, claimed_by, attempts, last_error FROM outbox_commands WHERE status = 'processing'",
          );
          return `${describe()}\n${last.join('\n')}\nstuck: ${JSON.stringify(stuck)}`;
        },
      },
    );
    // A couple more ticks with nothing to do, then stop both gracefully.
    await sleep(2500);
    watching = false;
    await watch;
    expect(await Promise.all(daemons.map((d) => d.kill('SIGTERM')))).toEqual([0, 0]);
    await sleep(200); // let the pipes drain the last lines
    const [logA, logB] = daemons.map((d) => d.events());
    const lines = [...logA!, ...logB!];
    const workers = daemons.map((d) => String(d.events().find((l) => l.workerId)?.workerId));
    expect(new Set(workers).size).toBe(2);

    expect(repeatedEffects(world)).toEqual([]);

    // Inbox: every row finished, and claimed once plus once per retry it logged.
    const inbox = (await db.dataSource.query(
      'SELECT id, status, attempts, processed_at FROM inbox_events',
    )) as { id: number; status: string; attempts: number; processed_at: unknown }[];
    const inboxRetries = tally(lines, 'inbox.retry', 'inboxId');
    const reclaimedInbox = inbox.filter(
      (r) => Number(r.attempts) !== 1 + (inboxRetries.get(String(r.id)) ?? 0),
    );
    expect(reclaimedInbox).toEqual([]);
    expect(inbox.filter((r) => r.processed_at === null)).toEqual([]);
    expect([...claimers].sort()).toEqual([...workers].sort());

    // Outbox: each command executed to completion by one replica, once.
    const outbox = (await db.dataSource.query(
      'SELECT idempotency_key, status, attempts FROM outbox_commands',
    )) as { idempotency_key: string; status: string; attempts: number }[];
    const done = tally(lines, 'outbox.done', 'idempotencyKey');
    const outboxRetries = tally(lines, 'outbox.retry', 'idempotencyKey');
    const twice = [...done].filter(([, n]) => n > 1);
    expect(twice).toEqual([]);
    for (const c of outbox.filter((r) => r.status === 'done')) {
      expect({ key: c.idempotency_key, done: done.get(c.idempotency_key) ?? 0 }).toEqual({
        key: c.idempotency_key,
        done: 1,
      });
      expect(Number(c.attempts)).toBe(1 + (outboxRetries.get(c.idempotency_key) ?? 0));
    }
    const writers = new Set(
      lines.filter((l) => l.event === 'outbox.done').map((l) => (logA!.includes(l) ? 'A' : 'B')),
    );

    // Poll ticks (one job per connection, `poll:<name>`): each job's tick ran on one
    // replica; between them they ran most seconds.
    const ticks = (log: LogLine[]) =>
      new Set(
        log
          .filter((l) => l.event === 'schedule.run' && String(l.job).startsWith('poll'))
          .map((l) => `${String(l.job)}@${String(l.tick)}`),
      );
    const [ticksA, ticksB] = [ticks(logA!), ticks(logB!)];
    const both = [...ticksA].filter((t) => ticksB.has(t));
    expect(both).toEqual([]);
    expect(ticksA.size + ticksB.size).toBeGreaterThan(5);
    expect(lines.filter((l) => l.event === 'schedule.error')).toEqual([]);
    process.stdout.write(
      `[replicas] inbox ${inbox.length} rows claimed by ${claimers.size} workers; outbox ` +
        `${outbox.length} (${done.size} done, written by ${[...writers].join('+')}); ` +
        `poll ticks A ${ticksA.size}, B ${ticksB.size}\n`,
    );
  }, 150_000);
});
