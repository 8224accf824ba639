import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { buildMappingSet, type MappingSet } from '../../../src/mapping/index.js';
import { readMappingDir } from '../../../src/mapping/load-files.js';

export const ROOT = new URL('../../../', import.meta.url).pathname;
export const SHARED = '/work/shared/fixtures/';
export const FIXTURES = `${ROOT}test/fixtures/mapping/`;

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}

interface WebhookExamples {
  name: string;
  examples: unknown[];
}

/** Every `@octokit/webhooks-examples` body of an event. */
export function githubExamples(event: string): unknown[] {
  const require = createRequire(import.meta.url);
  const all = require('@octokit/webhooks-examples') as WebhookExamples[];
  return all.find((e) => e.name === event)?.examples ?? [];
}

/** The first `@octokit/webhooks-examples` body of an event (optionally with an action). */
export function githubExample(event: string, action?: string): unknown {
  const found = githubExamples(event).find(
    (x) => action === undefined || (x as { action?: string }).action === action,
  );
  if (!found) throw new Error(`no ${event} example`);
  return found;
}

let shipped: MappingSet | undefined;
export function shippedMappings(): MappingSet {
  shipped ??= buildMappingSet(readMappingDir(`${ROOT}mappings`), 'mappings');
  return shipped;
}

/** Dates as ISO strings, null-prototype objects as plain ones: what the snapshots hold. */
export function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}
