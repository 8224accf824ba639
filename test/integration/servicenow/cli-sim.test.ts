import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { registerSimServiceNow } from '../../../src/cli/commands/sim-servicenow.js';
import type { CliIo } from '../../../src/cli/io.js';

function io(): { io: CliIo; out: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let text = '';
  stdout.on('data', (c: Buffer) => (text += c.toString()));
  stderr.on('data', (c: Buffer) => (text += c.toString()));
  return { io: { stdout, stderr, env: {}, cwd: process.cwd() }, out: () => text };
}

describe('changebridge sim servicenow', () => {
  it('serves seeded data, prints URL and credentials, stops cleanly', async () => {
    const { io: cliIo, out } = io();
    const program = new Command('changebridge').exitOverride();
    const sim = program.command('sim');
    let pending: Promise<number> | undefined;
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    let url = '';
    const ready = new Promise<void>((resolve) => {
      // Like program.ts: `run` records the promise and returns nothing.
      registerSimServiceNow(
        sim,
        cliIo,
        (fn) => {
          pending = fn();
        },
        {
          stop: stopped,
          onReady: (u) => {
            url = u;
            resolve();
          },
        },
      );
    });
    await program.parseAsync([
      'node',
      'changebridge',
      'sim',
      'servicenow',
      '--port',
      '0',
      '--seed',
      '42',
      '--changes',
      '25',
    ]);
    await ready;
    const auth = `Basic ${Buffer.from('changebridge.integration:changebridge').toString('base64')}`;
    const res = await fetch(`${url}/api/now/table/change_request?sysparm_limit=1`, {
      headers: { Authorization: auth },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-total-count')).toBe('25');
    stop();
    expect(await pending).toBe(0);
    expect(out()).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(out()).toMatch(/basic auth: {2}changebridge\.integration \/ changebridge/);
    expect(out()).toMatch(/25 change requests/);
  });
});
