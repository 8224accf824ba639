import { randomUUID } from 'node:crypto';
import { HttpError, ManualClock, createMemoryLogger } from '../../../src/runtime/index.js';
import { createStore, type OutboxCommand, type Store } from '../../../src/store/index.js';
import { createDispatcher, type DispatcherOptions } from '../../../src/sync/dispatcher.js';
import { describeEachDatabase, useTestDatabase } from '../../support/databases.js';
import { FakeConnector, gate } from './fake-connector.js';

/**
 * The dispatcher over a real database with hand-written connectors: outcomes, echo marks,
 * retries, dead letters, the loop and graceful shutdown. Each test drains what it enqueues.
 */
describeEachDatabase('outbox dispatcher', (dialect) => {
  const handle = useTestDatabase(dialect);
  let store: Store;
  const clock = new ManualClock('2026-03-01T10:00:00.000Z');
  beforeAll(() => {
    store = createStore(handle.get());
  });

  const command = (over: Partial<OutboxCommand> = {}): OutboxCommand => ({
    idempotencyKey: `k-${randomUUID()}`,
    changeId: null,
    targetSystem: 'jira',
    connection: 'jira',
    operation: 'fake.write',
    target: 'OPS-1',
    payload: { text: 'secret-ish payload' },
    ...over,
  });
  const enqueue = async (...cmds: OutboxCommand[]) => {
    const ids: number[] = [];
    for (const c of cmds) ids.push((await store.outbox.enqueue(c, clock.now())).id);
    return ids;
  };
  const dispatcher = (connectors: FakeConnector[], over: Partial<DispatcherOptions> = {}) => {
    const logs = createMemoryLogger();
    const d = createDispatcher({
      store,
      connectors,
      clock,
      logger: logs.logger,
      workerId: 'test-worker',
      batchSize: 10,
      leaseMs: 60_000,
      maxAttempts: 3,
      backoff: { baseMs: 1000, maxMs: 10_000 },
      random: () => 0.5,
      ...over,
    });
    return { d, logs };
  };

  it('completes done and skipped commands, marking the link written in the same step', async () => {
    const changeId = randomUUID();
    const recordId = `jira:issue:jira:${randomUUID()}`;
    await store.links.upsert({
      changeId,
      recordId,
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
    const jira = new FakeConnector('jira', 'jira', (c) =>
      Promise.resolve(
        c.target === 'OPS-2'
          ? { outcome: 'skipped', reason: 'labels already as desired' }
          : { outcome: 'done', result: { id: '7' } },
      ),
    );
    const [done, skipped] = await enqueue(
      command({ payload: { text: 'hi', link: { changeId, recordId }, desiredHash: 'h1' } }),
      command({ target: 'OPS-2', payload: { add: ['x'] } }),
    );
    const { d, logs } = dispatcher([jira]);

    expect(await d.runOnce()).toEqual({ claimed: 2, done: 1, skipped: 1, retried: 0, dead: 0 });
    expect(await store.outbox.get(done!)).toMatchObject({
      status: 'done',
      result: { outcome: 'done', result: { id: '7' } },
    });
    expect(await store.outbox.get(skipped!)).toMatchObject({
      status: 'done',
      result: { outcome: 'skipped', reason: 'labels already as desired' },
    });
    const [link] = await store.links.findByChange(changeId);
    expect(link?.lastWrittenHash).toBe('h1');
    // The connector never sees the dispatcher's own keys (Jira's schemas are strict).
    expect(jira.calls.map((c) => c.payload)).toEqual([{ text: 'hi' }, { add: ['x'] }]);
    // Commands run concurrently: their log lines may come in either order.
    const lines = logs
      .lines()
      .filter((l) => l.event === 'outbox.done')
      .sort((a, b) => String(a.target).localeCompare(String(b.target)));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      operation: 'fake.write',
      target: 'jira/jira:OPS-1',
      attempts: 1,
    });
    // The payload (a comment's text, field values) is logged at debug only.
    const above = logs.lines().filter((l) => l.level !== 'debug');
    expect(above.length).toBeGreaterThan(0);
    expect(above.filter((l) => 'payload' in l)).toEqual([]);
    expect(JSON.stringify(above)).not.toContain('"hi"');
  });

  it('dead-letters a poisoned command without holding up the ones around it', async () => {
    const jira = new FakeConnector('jira', 'jira', (c) =>
      c.target === 'OPS-404'
        ? Promise.reject(
            new HttpError({
              method: 'POST',
              url: 'https://jira.example.com/rest/api/3/issue/OPS-404/comment',
              status: 404,
              vendorMessage: 'Issue does not exist or you do not have permission to see it.',
            }),
          )
        : Promise.resolve({ outcome: 'done' }),
    );
    const ids = await enqueue(
      command({ target: 'OPS-10' }),
      command({ target: 'OPS-11' }),
      command({ target: 'OPS-404' }),
      command({ target: 'OPS-12' }),
      command({ target: 'OPS-13' }),
    );
    const { d, logs } = dispatcher([jira], { concurrency: 2 });
    expect(await d.runOnce()).toEqual({ claimed: 5, done: 4, skipped: 0, retried: 0, dead: 1 });
    const statuses = await Promise.all(ids.map(async (id) => (await store.outbox.get(id))?.status));
    expect(statuses).toEqual(['done', 'done', 'dead', 'done', 'done']);
    const [letter] = await store.deadLetters.list({ limit: 1 });
    expect(letter).toMatchObject({ origin: 'outbox', originId: ids[2], attempts: 1 });
    expect(letter?.reason).toMatch(
      /^permanent: HTTP 404: Issue does not exist or you do not have permission/,
    );
    expect(logs.lines().find((l) => l.event === 'outbox.dead')).toMatchObject({
      level: 'error',
      target: 'jira/jira:OPS-404',
      reason: letter?.reason,
    });
  });

  it('retries a transient failure later, then completes it', async () => {
    const jira = new FakeConnector('jira', 'jira', (_c, call) =>
      call === 1
        ? Promise.reject(
            new HttpError({ method: 'PUT', url: 'https://j.example.com/x', status: 503 }),
          )
        : Promise.resolve({ outcome: 'done' }),
    );
    const [id] = await enqueue(command());
    const { d, logs } = dispatcher([jira]);
    expect(await d.runOnce()).toMatchObject({ claimed: 1, retried: 1 });
    const waiting = await store.outbox.get(id!);
    expect(waiting).toMatchObject({ status: 'pending', attempts: 1 });
    expect(waiting?.lastError).toMatch(/^retry 2 of 3 in 750 ms \(backoff\): HTTP 503/);
    expect(logs.lines().find((l) => l.event === 'outbox.retry')).toMatchObject({ level: 'warn' });

    expect((await d.runOnce()).claimed).toBe(0); // not due yet
    clock.advance(750);
    expect(await d.runOnce()).toMatchObject({ claimed: 1, done: 1 });
    expect(await store.outbox.get(id!)).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('dead-letters after maxAttempts, and at once when no connector serves the target', async () => {
    const jira = new FakeConnector('jira', 'jira', () =>
      Promise.reject(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })),
    );
    const [flaky, orphan] = await enqueue(command(), command({ connection: 'jira-eu' }));
    const { d } = dispatcher([jira], { maxAttempts: 2 });
    expect(await d.runOnce()).toMatchObject({ claimed: 2, retried: 1, dead: 1 });
    expect((await store.outbox.get(orphan!))?.lastError).toMatch(
      /^permanent: .*no connector for jira connection "jira-eu"/,
    );
    clock.advance(10_000);
    expect(await d.runOnce()).toMatchObject({ claimed: 1, dead: 1 });
    expect((await store.outbox.get(flaky!))?.lastError).toMatch(
      /^gave up after 2 attempt\(s\) \(maxAttempts 2\): network failure ECONNRESET/,
    );
  });

  it('the loop claims again at once while batches come back full', async () => {
    const jira = new FakeConnector('jira', 'jira');
    const ids = await enqueue(...Array.from({ length: 5 }, () => command()));
    const results: string[] = [];
    const { d } = dispatcher([jira], { batchSize: 2, onResult: (r) => results.push(r.outcome) });
    const sleeping = clock.pendingSleeps;
    d.start();
    // Passes of 2, 2 and 1; only the short one lets the loop sleep.
    await clock.whenSleeping(sleeping + 1);
    expect(results).toEqual(['done', 'done', 'done', 'done', 'done']);
    await d.stop();
    for (const id of ids) expect((await store.outbox.get(id))?.status).toBe('done');
  });

  it('stop() stops claiming and waits for the commands in flight', async () => {
    const held = gate();
    const entered = gate();
    const jira = new FakeConnector('jira', 'jira', async () => {
      entered.open();
      await held.promise;
      return { outcome: 'done' };
    });
    const [inFlight] = await enqueue(command());
    const { d } = dispatcher([jira]);
    d.start();
    await entered.promise;
    let stopped = false;
    const stopping = d.stop().then(() => (stopped = true));
    const [later] = await enqueue(command());
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false);
    expect(await store.outbox.get(inFlight!)).toMatchObject({ status: 'processing' });

    held.open();
    await stopping;
    expect(await store.outbox.get(inFlight!)).toMatchObject({ status: 'done' });
    expect(await store.outbox.get(later!)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(jira.calls).toHaveLength(1);
    // Leave nothing behind for the next test.
    expect(await d.runOnce()).toMatchObject({ claimed: 1, done: 1 });
  });
});
