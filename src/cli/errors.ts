import { ConfigError } from '../config/index.js';
import { redactString } from '../runtime/index.js';
import { write, type CliIo } from './io.js';

/** sysexits-style exit codes the CLI uses. */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 64,
  unavailable: 69,
  software: 70,
  config: 78,
} as const;

/**
 * Prints an error the way an operator needs it: the message (every config problem, one per
 * line) and the fix; the stack only with --verbose. Everything passes the redactor.
 */
export function reportError(error: unknown, io: CliIo, verbose: boolean): number {
  const err = error instanceof Error ? error : new Error(String(error));
  const known = typeof (err as { exitCode?: unknown }).exitCode === 'number';
  const exitCode = known ? (err as unknown as { exitCode: number }).exitCode : EXIT.software;
  const lines = [
    known || err instanceof ConfigError ? err.message : `unexpected error: ${err.message}`,
  ];
  const hint = (err as { hint?: unknown }).hint;
  if (typeof hint === 'string' && hint) lines.push(`  fix: ${hint}`);
  if (verbose && err.stack) lines.push(err.stack);
  else if (!known) lines.push('  (run again with --verbose for the stack trace)');
  write(io.stderr, redactString(lines.join('\n')));
  return exitCode;
}
