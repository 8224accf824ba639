import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  ConfigError,
  formatIssue,
  parseConfigText,
  type LoadedConfig,
} from '../../../src/config/index.js';
import type { Env } from '../../../src/config/index.js';

export const FILE = 'config/changebridge.yaml';

/** Parses YAML text as if it were config/changebridge.yaml. */
export function load(yaml: string, env: Env = {}, allowMissingEnv = false): LoadedConfig {
  return parseConfigText(yaml, { file: FILE, env, allowMissingEnv });
}

/** The formatted problem lines of the ConfigError that `run` throws. */
export function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map(formatIssue);
    throw error;
  }
  throw new Error('expected a ConfigError, but loading succeeded');
}

export function problems(yaml: string, env: Env = {}): string[] {
  return problemsOf(() => load(yaml, env));
}

/** A fresh directory with the given files, for tests of path resolution. */
export function tempDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'changebridge-config-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}
