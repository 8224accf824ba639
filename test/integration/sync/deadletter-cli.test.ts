import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore, type Store } from '../../../src/store/index.js';
import { describeEachDatabase, useTestDatabase } from '../../support/databases.js';
import { sourceEvent } from '../store/fixtures.js';
import { cli as deadletterCli } from '../../support/cli.js';

/** `changebridge deadletter list|retry` against a database holding real dead letters. */
describeEachDatabase('changebridge deadletter', (dialect) => {
  const handle = useTestDatabase(dialect);
  let store: Store;
  const cwd = mkdtempSync(join(tmpdir(), 'cb-deadletter-'));
  const run = (...args: string[]) =>
    deadletterCli(args, { env: { CHANGEBRIDGE_DATABASE_URL: handle.test().url }, cwd });
  const now = new Date('2026-03-02T10:00:00.000Z');
  const longReason = `permanent: HTTP 404, the target does not exist: ${'x'.repeat(200)} END`;
  let letters: { id: number; originId: number }[] = [];

  beforeAll(async () => {
    store = createStore(handle.get());
    await store.inbox.insert(sourceEvent(1));
    const [event] = await store.inbox.claim({ workerId: 'w', limit: 1, leaseMs: 1000, now });
    await store.inbox.fail(event!.id, 'unparseable payload', { now, retryAt: null });
    for (const [key, reason] of [
      ['a', longReason],
      ['b', 'permanent: no connector for jira connection "eu"'],
    ] as const) {
      await store.outbox.enqueue(
        {
          idempotencyKey: key,
          changeId: null,
          targetSystem: 'jira',
          connection: 'jira',
          operation: 'jira.comment',
          target: 'OPS-1',
          payload: { text: key },
        },
        now,
      );
      const [row] = await store.outbox.claim({ workerId: 'w', limit: 1, leaseMs: 1000, now });
      await store.outbox.fail(row!.id, reason, { now, retryAt: null });
    }
    letters = (await store.deadLetters.list()).map((l) => ({ id: l.id, originId: l.originId }));
  });

  it('lists dead letters newest first, the reason truncated in the table', async () => {
    const res = await run('deadletter', 'list');
    expect(res).toMatchObject({ code: 0, stderr: '' });
    const lines = res.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^id\s+origin\s+origin id\s+attempts\s+created\s+reason$/);
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(
      /^\d+\s+outbox\s+\d+\s+1\s+2026-03-02T10:00:00.000Z\s+permanent: no connector/,
    );
    expect(lines[2]).toContain('permanent: HTTP 404');
    expect(lines[2]).toMatch(/…$/);
    expect(lines[2]).not.toContain('END');
    expect(lines[3]).toMatch(/\binbox\b.*unparseable payload$/);
  });

  it('--json prints the full reason and payload, --limit caps the count', async () => {
    const res = await run('deadletter', 'list', '--json', '--limit', '2');
    const rows = res.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({
      origin: 'outbox',
      attempts: 1,
      reason: longReason,
      payload: { text: 'a' },
      retriedAt: null,
    });
    expect((await run('deadletter', 'list', '--limit', '0')).code).toBe(64);
  });

  it('retry puts commands back in line; unknown and already retried ids fail with exit 1', async () => {
    const [newest, middle] = letters;
    const res = await run('deadletter', 'retry', String(newest!.id));
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect(res.stdout).toBe(
      `dead letter ${newest!.id}: outbox ${newest!.originId} is back in line\n`,
    );
    expect(await store.outbox.get(newest!.originId)).toMatchObject({
      status: 'pending',
      attempts: 0,
    });

    const mixed = await run(
      'deadletter',
      'retry',
      '999999',
      String(newest!.id),
      String(middle!.id),
    );
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toContain(
      '[changebridge/store] dead letter 999999 does not exist (see `changebridge deadletter list`)',
    );
    expect(mixed.stderr).toContain(`dead letter ${newest!.id} was already retried at`);
    // A bad id does not stop the good ones after it.
    expect(mixed.stdout).toContain(`dead letter ${middle!.id}: outbox`);

    const waiting = await run('deadletter', 'list');
    expect(waiting.stdout.trimEnd().split('\n')).toHaveLength(2);
    const all = await run('deadletter', 'list', '--all');
    expect(all.stdout.split('\n')[0]).toMatch(/\bretried\b/);
    expect(all.stdout.trimEnd().split('\n')).toHaveLength(4);
  });

  it('rejects an id that is not a number', async () => {
    const res = await run('deadletter', 'retry', 'abc');
    expect(res.code).toBe(64);
    expect(res.stderr).toContain('"abc" is not a positive whole number');
  });
});
