import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

/**
 * `changebridge <args>` as a child process, so a benchmark can time one command and read
 * its peak memory apart from the simulators running in the benchmark's own process. By
 * default the built bin/changebridge.js, what users run (`ensureBuilt` compiles it first);
 * BENCH_CLI=src runs from source through tsx instead (tsx adds about 55 MB of RSS).
 *
 * Peak RSS is sampled from /proc/<pid>/status every 100 ms: VmHWM (the kernel's high-water
 * mark) and VmRSS, keeping the largest seen. VmHWM vanishes with the process, so growth in
 * the last < 100 ms before exit can be missed; on a run of seconds that is noise. CPU time
 * (user + system, all threads) is read from /proc/<pid>/stat at the same samples, so the
 * last < 100 ms of it is missed the same way.
 * BENCH_CHILD_NODE_ARGS (space-separated, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") is
 * passed to the child's node, for profiling.
 */
const repoRoot = resolve(import.meta.dirname, '../../..');
const entry = join(repoRoot, 'src/cli/bin.ts');
const builtEntry = join(repoRoot, 'bin/changebridge.js');
const tsx = pathToFileURL(join(repoRoot, 'node_modules/tsx/dist/loader.mjs')).href;

export interface CliRun {
  /** Exit code, or the signal name that ended it. */
  code: number | string;
  ms: number;
  /** Largest VmHWM / VmRSS seen while it ran, in MiB (NaN when /proc was unreadable). */
  peakRssMb: number;
  /** CPU seconds (user + system) at the last sample before exit (NaN without /proc). */
  cpuSeconds: number;
  /** stdout + stderr. */
  output: string;
}

let ticksPerSecond: number | undefined;

/** utime + stime of a live process, in seconds (NaN when /proc is unreadable). */
export function cpuSecondsOf(pid: number): number {
  try {
    ticksPerSecond ??=
      Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return Number.NaN; // gone already
  }
}

function rssKb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
    const rss = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    return Math.max(Number(hwm ?? 0), Number(rss ?? 0));
  } catch {
    return 0; // gone already
  }
}

export function runCli(
  args: string[],
  opts: { env: Record<string, string>; cwd?: string },
): Promise<CliRun> {
  const cli = process.env.BENCH_CLI === 'src' ? ['--import', tsx, entry] : [builtEntry];
  return runNode([...cli, ...args], opts);
}

/** A TypeScript script of this repository (through tsx) as a child process, like runCli. */
export function runScript(
  script: string,
  args: string[],
  opts: { env: Record<string, string>; cwd?: string },
): Promise<CliRun> {
  return runNode(['--import', tsx, join(repoRoot, script), ...args], opts);
}

function runNode(
  argv: string[],
  opts: { env: Record<string, string>; cwd?: string },
): Promise<CliRun> {
  const nodeArgs = (process.env.BENCH_CHILD_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, ...argv], {
    cwd: opts.cwd ?? repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  let peakKb = 0;
  let cpuSeconds = Number.NaN;
  const sample = (): void => {
    if (child.pid === undefined) return;
    peakKb = Math.max(peakKb, rssKb(child.pid));
    const cpu = cpuSecondsOf(child.pid);
    if (!Number.isNaN(cpu)) cpuSeconds = cpu;
  };
  const timer = setInterval(sample, 100);
  return new Promise((done, fail) => {
    child.once('error', (error) => {
      clearInterval(timer);
      fail(error);
    });
    child.once('exit', (code, signal) => {
      const ms = performance.now() - started;
      clearInterval(timer);
      // stdout may still hold buffered output after 'exit'; 'close' follows once it drained.
      child.once('close', () =>
        done({
          code: code ?? signal ?? -1,
          ms,
          peakRssMb: peakKb > 0 ? peakKb / 1024 : Number.NaN,
          cpuSeconds,
          output,
        }),
      );
    });
  });
}

/** Runs a command that must succeed; throws with its output otherwise. */
export async function runCliOk(
  args: string[],
  opts: { env: Record<string, string>; cwd?: string },
): Promise<CliRun> {
  const run = await runCli(args, opts);
  if (run.code !== 0) {
    throw new Error(
      `[bench] changebridge ${args.join(' ')} exited ${run.code}:\n${run.output.slice(-4000)}`,
    );
  }
  return run;
}

/** Compiles dist/ (as `npm run build`) unless the benchmark runs from source. */
export function ensureBuilt(): void {
  if (process.env.BENCH_CLI === 'src') return;
  const res = spawnSync(
    process.execPath,
    [
      join(repoRoot, 'node_modules/typescript/bin/tsc'),
      '-p',
      join(repoRoot, 'tsconfig.build.json'),
    ],
    { stdio: 'inherit' },
  );
  if (res.status !== 0)
    throw new Error('npm run build failed: the benchmark would measure a stale dist/');
}
