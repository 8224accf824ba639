import { runCli } from './program.js';

/** Process entry point (bin/changebridge.js). */
export function main(argv: readonly string[]): Promise<number> {
  return runCli(argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  });
}
