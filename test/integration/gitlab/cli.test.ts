import { Command } from 'commander';
import { PassThrough } from 'node:stream';
import { registerSimGitLab } from '../../../src/cli/commands/sim-gitlab.js';
import type { CliIo } from '../../../src/cli/io.js';

function harness(env: Record<string, string>) {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  const io: CliIo = { stdout, stderr: new PassThrough(), env, cwd: process.cwd() };
  let release!: () => void;
  const stopped = new Promise<void>((r) => (release = r));
  let waiting!: () => void;
  const started = new Promise<void>((r) => (waiting = r));
  let result: Promise<number> | undefined;
  const program = new Command().exitOverride();
  const sim = program.command('sim');
  registerSimGitLab(
    sim,
    io,
    (fn) => {
      // Like the real runner: start the command, do not hand its promise to commander.
      result = fn();
    },
    {
      waitForStop: () => {
        waiting();
        return stopped;
      },
    },
  );
  return { program, output: () => out, started, stop: () => release(), result: () => result! };
}

describe('changebridge sim gitlab', () => {
  it('starts a seeded simulator, serves the API with the env token, stops on signal', async () => {
    const h = harness({
      CHANGEBRIDGE_SIM_GITLAB_TOKEN: 'glpat-from-env',
      CHANGEBRIDGE_SIM_GITLAB_HOOK_TOKEN: 'hook',
    });
    await h.program.parseAsync([
      'node',
      'cb',
      'sim',
      'gitlab',
      '--port',
      '0',
      '--merge-requests',
      '2',
      '--hook-url',
      'http://127.0.0.1:9/webhooks/gitlab',
    ]);
    await h.started;
    const url = /listening on (http:\/\/[\d.:]+)/.exec(h.output())![1]!;
    const res = await fetch(`${url}/api/v4/projects/acme%2Fpayments/merge_requests`, {
      headers: { 'PRIVATE-TOKEN': 'glpat-from-env' },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as unknown[]).length).toBe(2);
    expect(h.output()).toMatch(
      /webhooks → http:\/\/127.0.0.1:9\/webhooks\/gitlab \(X-Gitlab-Token: set/,
    );
    expect(h.output()).not.toContain('glpat-from-env');
    h.stop();
    expect(await h.result()).toBe(0);
    expect(h.output()).toMatch(/GitLab simulator stopped/);
  });

  it('rejects bad flags with the flag, the value and an example', async () => {
    const h = harness({});
    await h.program.parseAsync(['node', 'cb', 'sim', 'gitlab', '--port', 'http']);
    await expect(h.result()).rejects.toThrow(
      /\[changebridge\/cli\] --port "http" is not a whole number/,
    );
  });
});
