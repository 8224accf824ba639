import { workNoteMarker } from '../../../connectors/servicenow/index.js';
import { seedServiceNow } from '../../../connectors/servicenow/simulator-seed.js';
import type { WriteCommand } from '../../../src/model/index.js';
import { HttpError } from '../../../src/runtime/index.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  seedServiceNow(h.sim.state, { seed: 3, changes: 10 });
});
afterEach(() => h.stop());

const createCommand = (correlationId: string): WriteCommand => ({
  operation: 'servicenow.create_change',
  target: correlationId,
  payload: {
    fields: { short_description: 'Deploy OPS-12 to production', type: 'normal', risk: '3' },
  },
  idempotencyKey: `create:${correlationId}`,
});

const byCorrelation = (id: string) =>
  [...h.sim.state.table('change_request').values()].filter((r) => r.correlation_id === id);

describe('ServiceNow write-back', () => {
  it('create is idempotent: a crash between the POST and recording its result, then a retry → one change request', async () => {
    // The instance commits the POST, then the connection dies before the answer arrives:
    // to the caller this looks exactly like a crash after sending.
    h.sim.injectFault({
      nth: 1,
      method: 'POST',
      path: '/api/now/table/change_request',
      fault: { kind: 'reset_after_commit' },
    });
    const first = await h.connector.execute(createCommand('jira:OPS-12')).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(HttpError);
    expect((first as HttpError).code).toBe('ECONNRESET');
    // The POST was not retried blindly by the HTTP layer (it is not idempotent)…
    expect(h.sim.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(byCorrelation('jira:OPS-12')).toHaveLength(1);

    // …the outbox retries the command: the lookup finds the record, nothing is created.
    const retry = await h.connector.execute(createCommand('jira:OPS-12'));
    expect(retry).toMatchObject({
      outcome: 'skipped',
      reason: expect.stringMatching(
        /^change request CHG\d{7} already has correlation_id=jira:OPS-12/,
      ),
    });
    expect(byCorrelation('jira:OPS-12')).toHaveLength(1);
    expect(h.sim.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('create without a fault: done once, skipped after', async () => {
    const done = await h.connector.execute(createCommand('jira:OPS-13'));
    expect(done).toMatchObject({
      outcome: 'done',
      result: { number: expect.stringMatching(/^CHG\d{7}$/) },
    });
    expect((await h.connector.execute(createCommand('jira:OPS-13'))).outcome).toBe('skipped');
    expect(byCorrelation('jira:OPS-13')).toHaveLength(1);
  });

  it('update_change PATCHes only what differs and skips when nothing does', async () => {
    const [sysId] = [...h.sim.state.table('change_request').keys()];
    const before = h.sim.state.get('change_request', sysId!)!;
    const cmd: WriteCommand = {
      operation: 'servicenow.update_change',
      target: sysId!,
      payload: { fields: { approval: 'approved', short_description: before.short_description! } },
      idempotencyKey: 'k1',
    };
    const first = await h.connector.execute(cmd);
    if (before.approval === 'approved') expect(first.outcome).toBe('skipped');
    else expect(first).toMatchObject({ outcome: 'done', result: { fields: ['approval'] } });
    expect((await h.connector.execute(cmd)).outcome).toBe('skipped');
    expect(h.sim.state.get('change_request', sysId!)!.approval).toBe('approved');
  });

  it('closing without close_code/close_notes is refused by the instance with a clear error', async () => {
    const open = [...h.sim.state.table('change_request').values()].find(
      (r) => r.state !== '3' && r.state !== '4',
    )!;
    const cmd: WriteCommand = {
      operation: 'servicenow.update_change',
      target: open.sys_id!,
      payload: { fields: { state: '3', close_code: '' } },
      idempotencyKey: 'k2',
    };
    await expect(h.connector.execute(cmd)).rejects.toThrow(
      /403.*mandatory: Close code, Close notes/s,
    );
  });

  it('work notes land in sys_journal_field once per idempotency key, and read back empty on the record', async () => {
    const [sysId] = [...h.sim.state.table('change_request').keys()];
    const cmd: WriteCommand = {
      operation: 'servicenow.work_note',
      target: sysId!,
      payload: { text: 'PR acme/api#42 merged' },
      idempotencyKey: 'note-1',
    };
    expect((await h.connector.execute(cmd)).outcome).toBe('done');
    expect((await h.connector.execute(cmd)).outcome).toBe('skipped');
    const notes = h.sim.state.journal('change_request', sysId!, 'work_notes');
    expect(notes).toHaveLength(1);
    expect(notes[0]!.value).toBe(`PR acme/api#42 merged\n\n${workNoteMarker('note-1')}`);
    const rec = await h.connector.client.get('change_request', sysId!, ['work_notes']);
    expect(rec).toEqual({ work_notes: '' });
  });

  it('refuses unknown operations, bad targets and bad payloads before any request', async () => {
    await expect(
      h.connector.execute({
        operation: 'servicenow.delete',
        target: 'x',
        payload: {},
        idempotencyKey: 'k',
      }),
    ).rejects.toThrow(/unknown write operation/);
    await expect(
      h.connector.execute({
        operation: 'servicenow.work_note',
        target: 'CHG0030001',
        payload: { text: 'x' },
        idempotencyKey: 'k',
      }),
    ).rejects.toThrow(/not a sys_id/);
    await expect(
      h.connector.execute({
        operation: 'servicenow.update_change',
        target: 'a'.repeat(32),
        payload: { fields: { 'bad^NQ': 'x' } },
        idempotencyKey: 'k',
      }),
    ).rejects.toThrow(/payload is invalid/);
    expect(h.sim.requests).toHaveLength(0);
  });
});

describe('identity', () => {
  it('reads sys_user for Person resolution', async () => {
    const ids = [...h.sim.state.table('sys_user').keys()].slice(0, 3);
    const users = await h.connector.readUsers([...ids, 'not-an-id']);
    expect(users).toHaveLength(3);
    expect(users[0]).toEqual({
      sysId: expect.stringMatching(/^[0-9a-f]{32}$/),
      userName: expect.any(String),
      email: expect.stringMatching(/@example\.com$/),
      name: expect.any(String),
      identity: expect.stringMatching(/^servicenow:sys_user:[0-9a-f]{32}$/),
    });
  });
});
