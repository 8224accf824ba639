import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIM_ACCOUNT_ID } from '../../../connectors/jira/simulator.js';
import { workNoteMarker } from '../../../connectors/servicenow/index.js';
import { seedServiceNow } from '../../../connectors/servicenow/simulator-seed.js';
import { createNullLogger, ManualClock } from '../../../src/runtime/index.js';
import { createStore, type OutboxCommand, type Store } from '../../../src/store/index.js';
import { createDispatcher, type Dispatcher } from '../../../src/sync/dispatcher.js';
import { describeEachDatabase, useTestDatabase } from '../../support/databases.js';
import { startJira } from '../jira/harness.js';
import { startHarness, type Harness } from '../servicenow/harness.js';
import { cli as deadletterCli } from '../../support/cli.js';

/**
 * Outbox → dispatcher → real connectors → simulators over loopback HTTP, on both
 * databases: one effect per command, nothing on a repeat, faults retried across
 * attempts, a missing target dead-lettered and put back with the CLI.
 */
describeEachDatabase('dispatching write-backs to the simulators', (dialect) => {
  const handle = useTestDatabase(dialect);
  const clock = new ManualClock('2026-03-01T10:00:00.000Z');
  let store: Store;
  let jira: Awaited<ReturnType<typeof startJira>>;
  let sn: Harness;
  let sysId: string;
  let dispatcher: Dispatcher;

  beforeAll(async () => {
    store = createStore(handle.get());
    // One HTTP retry inside an attempt, and no sitting out Retry-After: what is left
    // over is the dispatcher's durable retry, which these tests are about.
    jira = await startJira({}, {}, { maxRetries: 1, maxWaitMs: 0 });
    sn = await startHarness({ http: { maxRetries: 1, maxWaitMs: 0 } });
    for (const summary of ['Rotate certificates', 'Upgrade database', 'Patch kernel']) {
      jira.sim.state.createIssue({ project: 'OPS', issueType: 'Change', summary }, SIM_ACCOUNT_ID);
    }
    seedServiceNow(sn.sim.state, { seed: 3, changes: 3 });
    sysId = [...sn.sim.state.table('change_request').keys()][0]!;
    dispatcher = createDispatcher({
      store,
      connectors: [jira.jira, sn.connector],
      clock,
      logger: createNullLogger(),
      workerId: 'dispatch-test',
      batchSize: 10,
      leaseMs: 60_000,
      maxAttempts: 5,
      backoff: { baseMs: 1000, maxMs: 60_000 },
      random: () => 0,
    });
  });
  afterAll(async () => {
    await jira.sim.stop();
    await sn.stop();
  });

  const enqueue = async (cmds: OutboxCommand[]) => {
    const out = [];
    for (const c of cmds) out.push(await store.outbox.enqueue(c, clock.now()));
    return out;
  };
  const jiraCmd = (
    key: string,
    operation: string,
    target: string,
    payload: unknown,
  ): OutboxCommand => ({
    idempotencyKey: key,
    changeId: 'chg-1',
    targetSystem: 'jira',
    connection: 'jira',
    operation,
    target,
    payload,
  });
  const snCmd = (
    key: string,
    operation: string,
    target: string,
    payload: unknown,
  ): OutboxCommand => ({
    idempotencyKey: key,
    changeId: 'chg-1',
    targetSystem: 'servicenow',
    connection: 'servicenow',
    operation,
    target,
    payload,
  });
  const jiraWrites = () => jira.sim.countRequests((r) => r.method !== 'GET');
  const snWrites = () => sn.sim.requests.filter((r) => r.method !== 'GET').length;
  const notes = (id: string) => sn.sim.state.journal('change_request', id, 'work_notes');

  it('makes each effect exactly once, and nothing when asked again', async () => {
    await store.links.upsert({
      changeId: 'chg-1',
      recordId: 'jira:issue:jira:10001',
      system: 'jira',
      connection: 'jira',
      kind: 'issue',
      externalId: '10001',
      externalKey: 'OPS-1',
      url: null,
      sourceVersion: null,
      lastReadHash: null,
      lastWrittenHash: null,
      updatedAt: clock.now(),
    });
    const echo = {
      link: { changeId: 'chg-1', recordId: 'jira:issue:jira:10001' },
      desiredHash: 'hash-v1',
    };
    const round1 = [
      jiraCmd('c1', 'jira.comment', 'OPS-1', { text: '**Approved** in ServiceNow', ...echo }),
      jiraCmd('l1', 'jira.labels', 'OPS-1', { add: ['cb-approved'], remove: [] }),
      jiraCmd('p1', 'jira.property', 'OPS-1', { value: { approval: 'approved' } }),
      snCmd('n1', 'servicenow.work_note', sysId, { text: 'Linked Jira issue OPS-1' }),
      snCmd('u1', 'servicenow.update_change', sysId, {
        fields: { short_description: 'Rotate certs' },
      }),
    ];
    expect((await enqueue(round1)).every((r) => r.inserted)).toBe(true);
    const [j0, s0] = [jiraWrites(), snWrites()];
    expect(await dispatcher.runOnce()).toEqual({
      claimed: 5,
      done: 5,
      skipped: 0,
      retried: 0,
      dead: 0,
    });
    expect(jiraWrites() - j0).toBe(3);
    expect(snWrites() - s0).toBe(2);
    const issue = jira.sim.state.find('OPS-1')!;
    expect(issue.comments).toHaveLength(1);
    expect(issue.labels).toEqual(['cb-approved']);
    expect(issue.properties.get('changebridge')).toEqual({ approval: 'approved' });
    expect(notes(sysId).filter((n) => String(n.value).includes(workNoteMarker('n1')))).toHaveLength(
      1,
    );
    expect(sn.sim.state.get('change_request', sysId)?.short_description).toBe('Rotate certs');
    const [link] = await store.links.findByChange('chg-1');
    expect(link?.lastWrittenHash).toBe('hash-v1');

    // The same commands again: the idempotency keys exist, nothing is queued.
    expect((await enqueue(round1)).some((r) => r.inserted)).toBe(false);
    expect((await dispatcher.runOnce()).claimed).toBe(0);

    // New keys, same desired state: read, found as desired, skipped; zero writes.
    const [j1, s1] = [jiraWrites(), snWrites()];
    await enqueue([
      jiraCmd('l2', 'jira.labels', 'OPS-1', { add: ['cb-approved'], remove: [] }),
      jiraCmd('p2', 'jira.property', 'OPS-1', { value: { approval: 'approved' } }),
      snCmd('u2', 'servicenow.update_change', sysId, {
        fields: { short_description: 'Rotate certs' },
      }),
    ]);
    expect(await dispatcher.runOnce()).toEqual({
      claimed: 3,
      done: 0,
      skipped: 3,
      retried: 0,
      dead: 0,
    });
    expect([jiraWrites() - j1, snWrites() - s1]).toEqual([0, 0]);
  });

  it('retries a 5xx and a 429 in a later attempt, then completes with one effect', async () => {
    jira.sim.injectFault({ method: 'PUT', path: '/issue/OPS-2', status: 503, times: 2 });
    sn.sim.injectFault({
      nth: 1,
      method: 'PATCH',
      path: '/api/now/table/change_request',
      fault: { kind: 'status', status: 429, headers: { 'Retry-After': '30' } },
    });
    const [labels, note] = await enqueue([
      jiraCmd('l-fault', 'jira.labels', 'OPS-2', { add: ['cb-blocked'], remove: [] }),
      snCmd('n-fault', 'servicenow.work_note', sysId, { text: 'Findings changed' }),
    ]);
    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 2, retried: 2 });
    const waitingLabels = await store.outbox.get(labels!.id);
    expect(waitingLabels?.lastError).toMatch(/HTTP 503/);
    const waitingNote = await store.outbox.get(note!.id);
    expect(waitingNote?.lastError).toMatch(/Retry-After asked.*HTTP 429/);
    // The 429 asked for 30 s: not due before then, however often we look.
    clock.advance(29_000);
    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 1, done: 1 });
    expect((await store.outbox.get(note!.id))?.status).toBe('pending');
    clock.advance(1_000);
    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 1, done: 1 });

    expect(jira.sim.state.find('OPS-2')!.labels).toEqual(['cb-blocked']);
    expect(
      notes(sysId).filter((n) => String(n.value).includes(workNoteMarker('n-fault'))),
    ).toHaveLength(1);
    expect(await store.outbox.get(labels!.id)).toMatchObject({ status: 'done', attempts: 2 });
    expect(await store.outbox.get(note!.id)).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('dead-letters a 404 with the vendor message; deadletter retry puts it back', async () => {
    const missing = 'f'.repeat(32);
    const [cmd] = await enqueue([
      snCmd('n-404', 'servicenow.work_note', missing, { text: 'lost' }),
    ]);
    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 1, dead: 1 });
    const row = await store.outbox.get(cmd!.id);
    expect(row?.status).toBe('dead');
    expect(row?.lastError).toMatch(
      /^permanent: HTTP 404: No Record found: Record doesn.t exist or ACL restricts/,
    );

    const env = { CHANGEBRIDGE_DATABASE_URL: handle.test().url };
    const cwd = mkdtempSync(join(tmpdir(), 'cb-dispatch-'));
    const listed = await deadletterCli(['deadletter', 'list', '--json'], { env, cwd });
    const letters = listed.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: number; originId: number; reason: string });
    const letter = letters.find((l) => l.originId === cmd!.id)!;
    expect(letter.reason).toBe(row?.lastError);

    expect(
      (await deadletterCli(['deadletter', 'retry', String(letter.id)], { env, cwd })).code,
    ).toBe(0);
    expect(await store.outbox.get(cmd!.id)).toMatchObject({ status: 'pending', attempts: 0 });
    // The CLI stamped "due now" with the system clock; catch the test clock up to it.
    clock.set(Math.max(Date.now(), clock.now().getTime()));
    // Still missing, so it comes straight back to the dead letters, as a new letter.
    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 1, dead: 1 });
    expect((await store.deadLetters.list()).filter((l) => l.originId === cmd!.id)).toHaveLength(1);
  });

  it('two dispatchers on their own connections never execute one command twice', async () => {
    const db2 = dialect === 'mysql' ? await handle.test().open({ migrate: false }) : handle.get();
    try {
      const keys = Array.from({ length: 24 }, (_, i) => `race-${i}`);
      await enqueue(keys.map((k) => jiraCmd(k, 'jira.comment', 'OPS-3', { text: `note ${k}` })));
      const executed: string[] = [];
      const make = (s: Store, workerId: string) =>
        createDispatcher({
          store: s,
          connectors: [jira.jira],
          clock,
          logger: createNullLogger(),
          workerId,
          batchSize: 3,
          concurrency: 2,
          onResult: (r) => executed.push(`${r.idempotencyKey}:${r.outcome}`),
        });
      const drain = async (d: Dispatcher) => {
        while ((await d.runOnce()).claimed > 0);
      };
      await Promise.all([
        drain(make(store, 'replica-a')),
        drain(make(createStore(db2), 'replica-b')),
      ]);
      expect(executed.sort()).toEqual(keys.map((k) => `${k}:done`).sort());
      expect(jira.sim.state.find('OPS-3')!.comments).toHaveLength(24);
    } finally {
      if (db2 !== handle.get()) await db2.close();
    }
  });
});
