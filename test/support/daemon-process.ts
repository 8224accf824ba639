import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The daemon as a separate process (`changebridge run`, from source through tsx), for e2e
 * tests: start, wait until it serves, read its log, kill it (gracefully or with SIGKILL).
 */
const repoRoot = resolve(import.meta.dirname, '../..');
const entry = join(repoRoot, 'src/cli/bin.ts');
const tsx = pathToFileURL(join(repoRoot, 'node_modules/tsx/dist/loader.mjs')).href;

export interface DaemonProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote (stdout + stderr: JSON log lines and messages). */
  output(): string;
  /** Parsed JSON log lines. */
  events(): Record<string, unknown>[];
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

export function writeConfig(text: string, dir = mkdtempSync(join(tmpdir(), 'cb-e2e-'))): string {
  const file = join(dir, 'changebridge.yaml');
  writeFileSync(file, text);
  return file;
}

export async function spawnDaemon(opts: {
  configFile: string;
  port: number;
  env: Record<string, string>;
  cwd?: string;
  args?: string[];
  readyTimeoutMs?: number;
}): Promise<DaemonProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      tsx,
      entry,
      'run',
      '--config',
      opts.configFile,
      '--port',
      String(opts.port),
      ...(opts.args ?? []),
    ],
    {
      cwd: opts.cwd ?? repoRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((done) =>
    child.once('exit', (code, signal) => done(code ?? signal ?? -1)),
  );
  const url = `http://127.0.0.1:${opts.port}`;
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000);
  let gone: number | string | undefined;
  void exited.then((c) => (gone = c));
  for (;;) {
    if (gone !== undefined) throw new Error(`daemon exited (${gone}) before serving:\n${out}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`daemon did not become ready:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    output: () => out,
    events: () =>
      out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    exited,
    kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Polls `check` until it returns true (or a value), failing with `describe()` after the timeout. */
export async function eventually<T>(
  check: () => Promise<T | false | null | undefined> | T | false | null | undefined,
  opts: { timeoutMs?: number; intervalMs?: number; describe?: () => string | Promise<string> } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) {
      throw new Error(
        `condition not met in time${opts.describe ? `: ${await opts.describe()}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 200));
  }
}
