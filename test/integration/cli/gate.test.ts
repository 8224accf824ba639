import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  registerGateNotConfigured,
  registerGateRoute,
  type GateQuery,
} from '../../../src/api/gate-route.js';
import type { GateVerdict } from '../../../src/policy/gate.js';
import { createNullLogger } from '../../../src/runtime/index.js';
import { cli } from '../../support/cli.js';

/** `changebridge gate` against the real route on a real loopback port. */

const SHA = '4f2a9c1d0e3b5a7c9e1f2a3b4c5d6e7f8a9b0c1d';
const ALLOW: GateVerdict = { decision: 'allow', change: 'CHG0030001', reasons: [] };
const PENDING: GateVerdict = {
  decision: 'pending',
  change: 'CHG0030001',
  reasons: ['Change CHG0030001 is waiting for approval.'],
};
const DENY: GateVerdict = {
  decision: 'deny',
  change: 'CHG0030001',
  reasons: [
    'Change CHG0030001 covers the staging environment, not production.',
    'Change CHG0030001 was rejected.',
  ],
};

const tmp = () => mkdtempSync(join(tmpdir(), 'cb-gate-'));
const args = ['gate', '--repo', 'acme/payments', '--sha', SHA, '--environment', 'production'];

/** The verdict the next question gets; `queue` is answered first, one per question. */
let current: GateVerdict = ALLOW;
let queue: GateVerdict[] = [];
const questions: GateQuery[] = [];

let server: FastifyInstance;
let url: string;

beforeAll(async () => {
  server = Fastify();
  server.register(async (scope) =>
    registerGateRoute(scope, {
      decide: async (q) => {
        questions.push(q);
        return queue.shift() ?? current;
      },
      logger: createNullLogger(),
      pollIntervalMs: 20,
    }),
  );
  url = await server.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => server.close());
beforeEach(() => {
  current = ALLOW;
  queue = [];
  questions.length = 0;
});

describe('changebridge gate', () => {
  it('allow → exit 0 and one line', async () => {
    const res = await cli([...args, '--url', url], { cwd: tmp() });
    expect(res).toEqual({
      code: 0,
      stdout: 'allow: CHG0030001 covers acme/payments@4f2a9c1d0e3b in production\n',
      stderr: '',
    });
    expect(questions).toEqual([{ repo: 'acme/payments', sha: SHA, environment: 'production' }]);
  });

  it('deny → exit 1 with each reason on its own line', async () => {
    current = DENY;
    const res = await cli([...args, '--url', url], { cwd: tmp() });
    expect(res.code).toBe(1);
    expect(res.stdout).toBe(
      'deny: acme/payments@4f2a9c1d0e3b may not be deployed to production under CHG0030001\n' +
        '- Change CHG0030001 covers the staging environment, not production.\n' +
        '- Change CHG0030001 was rejected.\n',
    );
  });

  it('pending → exit 2, suggesting --wait', async () => {
    current = PENDING;
    const res = await cli([...args, '--url', url], { cwd: tmp() });
    expect(res.code).toBe(2);
    expect(res.stdout).toMatch(
      /^pending: CHG0030001 for acme\/payments@4f2a9c1d0e3b in production is not decided yet; pass --wait <seconds>/,
    );
    expect(res.stdout).toContain('\n- Change CHG0030001 is waiting for approval.\n');
  });

  it('--wait long-polls until the decision arrives', async () => {
    current = ALLOW;
    queue = [PENDING, PENDING];
    const res = await cli([...args, '--url', url, '--wait', '20'], { cwd: tmp() });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^allow: /);
    expect(questions).toHaveLength(3);
  });

  it('--wait that elapses → exit 2 pending', async () => {
    current = PENDING;
    const res = await cli([...args, '--url', url, '--wait', '1'], { cwd: tmp() });
    expect(res.code).toBe(2);
    expect(res.stdout).toMatch(/^pending: .*\(waited up to 1 s\)\n- /);
  });

  it('--json prints the answer; the exit code still carries the decision', async () => {
    current = DENY;
    const res = await cli([...args, '--url', url, '--json'], { cwd: tmp() });
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout)).toEqual({
      ...DENY,
      repo: 'acme/payments',
      sha: SHA,
      environment: 'production',
      evaluatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('takes the URL from CHANGEBRIDGE_URL (a trailing slash is fine)', async () => {
    const res = await cli(args, { cwd: tmp(), env: { CHANGEBRIDGE_URL: `${url}/` } });
    expect(res.code).toBe(0);
  });

  it("else from the config's server.host and server.port, with secrets not needed", async () => {
    const cwd = tmp();
    mkdirSync(join(cwd, 'config'));
    writeFileSync(
      join(cwd, 'config', 'changebridge.yaml'),
      `server:\n  host: 0.0.0.0\n  port: ${new URL(url).port}\n`,
    );
    const res = await cli(args, { cwd });
    expect(res).toMatchObject({ code: 0, stderr: '' });
  });

  it('a question the daemon refuses → exit 64 with its reason', async () => {
    const res = await cli(
      ['gate', '--repo', 'payments', '--sha', 'xyz', '--environment', 'production', '--url', url],
      { cwd: tmp() },
    );
    expect(res.code).toBe(64);
    expect(res.stderr).toMatch(
      /^\[changebridge\/gate\] http:\/\/127\.0\.0\.1:\d+\/api\/v1\/gate refused the question: GET \/api\/v1\/gate: query parameter "repo" must be/,
    );
    expect(res.stderr).toMatch(/"sha" must be the commit id/);
    expect(questions).toHaveLength(0);
  });

  it('a missing option → exit 64 (usage)', async () => {
    const res = await cli(['gate', '--repo', 'acme/payments', '--sha', SHA, '--url', url], {
      cwd: tmp(),
    });
    expect(res.code).toBe(64);
    expect(res.stderr).toMatch(/--environment <env>/);
  });

  it('a --url that is not http(s) → exit 64 saying how to fix it', async () => {
    const res = await cli([...args, '--url', 'changebridge.internal:8080'], { cwd: tmp() });
    expect(res.code).toBe(64);
    expect(res.stderr).toMatch(/is not an http\(s\) URL\n {2}fix: pass the daemon's base URL/);
  });

  it('an unreachable daemon → exit 69 naming the URL and the fix', async () => {
    const closed = await freePort();
    const res = await cli([...args, '--url', `http://127.0.0.1:${closed}`], { cwd: tmp() });
    expect(res.code).toBe(69);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain(
      `[changebridge/gate] cannot get a gate decision from http://127.0.0.1:${closed}/api/v1/gate: ECONNREFUSED`,
    );
    expect(res.stderr).toMatch(/fix: start the daemon \(`changebridge run`\) or point --url/);
  });

  it('never prints credentials given in the URL', async () => {
    const closed = await freePort();
    const res = await cli([...args, '--url', `http://ci:s3cret@127.0.0.1:${closed}`], {
      cwd: tmp(),
    });
    expect(res.code).toBe(69);
    expect(res.stderr).toContain(`from http://127.0.0.1:${closed}/api/v1/gate`);
    expect(res.stderr).not.toContain('s3cret');
  });

  it('a daemon without a gate, or failing (5xx) → exit 69 with its message', async () => {
    const other = Fastify();
    other.register(async (scope) => registerGateNotConfigured(scope));
    const otherUrl = await other.listen({ port: 0, host: '127.0.0.1' });
    try {
      const res = await cli([...args, '--url', otherUrl], { cwd: tmp() });
      expect(res.code).toBe(69);
      expect(res.stderr).toMatch(
        /cannot get a gate decision from .*: HTTP 503: the gate is not configured in this process/,
      );
      expect(res.stderr).toMatch(/fix: see the daemon log/);
    } finally {
      await other.close();
    }
  });

  it('something that is not changebridge → exit 69', async () => {
    const other = Fastify();
    other.get('/api/v1/gate', async () => ({ hello: 'world' }));
    const otherUrl = await other.listen({ port: 0, host: '127.0.0.1' });
    try {
      const res = await cli([...args, '--url', otherUrl], { cwd: tmp() });
      expect(res.code).toBe(69);
      expect(res.stderr).toMatch(
        /the answer is not a gate decision\n {2}fix: is .* the changebridge daemon\?/,
      );
    } finally {
      await other.close();
    }
  });
});

async function freePort(): Promise<number> {
  const probe = Fastify();
  const address = await probe.listen({ port: 0, host: '127.0.0.1' });
  await probe.close();
  return Number(new URL(address).port);
}
