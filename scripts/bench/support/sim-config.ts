import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { worldConfigYaml, type SimWorld } from '../../../test/support/sync-world.js';

/**
 * The configuration the sync tests use against the simulators (test/support/sync-world.ts),
 * tuned for a benchmark: no client-side rate cap worth the name, explicit page sizes, and
 * quieter logs. Edited as data rather than text so a change to the test YAML that moves
 * these keys fails here loudly instead of silently benchmarking something else.
 */
export interface BenchConfigOptions {
  logLevel?: 'error' | 'warn' | 'info' | 'debug';
  intervalCap?: number;
  serviceNowPageSize?: number;
  jiraPageSize?: number;
}

type Block = Record<string, unknown>;

function block(parent: Block, key: string): Block {
  const value = parent[key];
  if (typeof value !== 'object' || value === null)
    throw new Error(`[bench] the world config has no "${key}" block; update sim-config.ts`);
  return value as Block;
}

export function benchConfigYaml(
  world: SimWorld,
  databaseUrl: string,
  opts: BenchConfigOptions = {},
): string {
  const config = parse(
    worldConfigYaml(world, databaseUrl, { logLevel: opts.logLevel ?? 'info' }),
  ) as Block;
  block(block(config, 'http'), 'defaults').intervalCap = opts.intervalCap ?? 100_000;
  const connections = block(config, 'connections');
  block(connections, 'servicenow').pageSize = opts.serviceNowPageSize ?? 1000;
  block(connections, 'jira').pageSize = opts.jiraPageSize ?? 100;
  return stringify(config);
}

/** Writes `text` to changebridge.yaml in a new temp folder; returns the file path. */
export function writeBenchConfig(
  text: string,
  dir = mkdtempSync(join(tmpdir(), 'cb-bench-')),
): string {
  const file = join(dir, 'changebridge.yaml');
  writeFileSync(file, text);
  return file;
}
