import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { registerSimGitHub, runSimGitHub } from '../../../src/cli/commands/sim-github.js';
import type { CliIo } from '../../../src/cli/io.js';

/** `changebridge sim github`: starts, serves the seeded world, stops on abort. */
function io(env: Record<string, string> = {}): { io: CliIo; out: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let text = '';
  stdout.on('data', (d: Buffer) => (text += d.toString()));
  return { io: { stdout, stderr, env, cwd: process.cwd() }, out: () => text };
}

const base = {
  port: 0,
  tokenEnv: 'SIM_TOKEN',
  hookSecretEnv: 'SIM_HOOK',
  repo: ['acme/api'],
  seed: 2,
  installationId: 4242,
  rateLimit: 5000,
  secondaryWrites: 0,
};

describe('changebridge sim github', () => {
  it('serves the seeded repositories with the token from the environment, then stops', async () => {
    const { io: cliIo, out } = io({ SIM_TOKEN: 'ghp_fromenv000000000000' });
    const controller = new AbortController();
    const running = runSimGitHub(base, cliIo, controller.signal);
    while (!/listening on (http:\/\/\S+)/.test(out())) await new Promise((r) => setTimeout(r, 10));
    const url = /listening on (http:\/\/\S+)/.exec(out())![1]!;
    expect(out()).not.toMatch(/ghp_fromenv/);
    const res = await fetch(`${url}/repos/acme/api/pulls?state=all`, {
      headers: { authorization: 'token ghp_fromenv000000000000' },
    });
    expect(((await res.json()) as unknown[]).length).toBe(2);
    controller.abort();
    await expect(running).resolves.toBe(0);
    expect(out()).toMatch(/stopped/);
  });

  it('refuses a hook URL without its secret, naming the variable', async () => {
    const { io: cliIo } = io();
    await expect(
      runSimGitHub({ ...base, hookUrl: 'http://127.0.0.1:1/x' }, cliIo, AbortSignal.abort()),
    ).rejects.toThrow(/SIM_HOOK is empty/);
  });

  it('registers `github` under the given sim command with its options', () => {
    const program = new Command();
    const sim = program.command('sim');
    registerSimGitHub(sim, io().io, () => undefined);
    const gh = sim.commands.find((c) => c.name() === 'github');
    expect(gh?.options.map((o) => o.long)).toEqual(
      expect.arrayContaining(['--port', '--seed', '--hook-url', '--app-id']),
    );
  });
});
