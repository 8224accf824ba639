import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli/program.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output, a given environment and working folder. */
export async function cli(
  args: string[],
  opts: { env?: Record<string, string>; cwd: string },
): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await runCli(['node', 'changebridge', ...args], {
    stdout,
    stderr,
    env: opts.env ?? {},
    cwd: opts.cwd,
  });
  return { code, stdout: out, stderr: err };
}
