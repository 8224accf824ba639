import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildMappingSet, type MappingFile, type MappingSet } from './mapping-set.js';
import { MappingError } from './problems.js';

/** The only file-system code of the mapping engine: everything else takes text. */
export class MappingDirError extends Error {
  readonly exitCode = 78;
  constructor(dir: string, cause: string) {
    super(
      `[changebridge/mapping] cannot read mapping folder ${dir}: ${cause}; pass the folder holding <system>.<kind>.yaml files`,
    );
    this.name = 'MappingDirError';
  }
}

const isYaml = (name: string) => name.endsWith('.yaml') || name.endsWith('.yml');

/** Reads `<dir>/*.yaml` and `<dir>/<tenant>/*.yaml`. */
export function readMappingDir(dir: string): MappingFile[] {
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a folder');
    entries = readdirSync(dir).sort();
  } catch (err) {
    throw new MappingDirError(dir, (err as Error).message);
  }
  const files: MappingFile[] = [];
  for (const name of entries) {
    const full = join(dir, name);
    const stat = statSync(full);
    if (stat.isFile() && isYaml(name)) files.push({ path: name, text: readFileSync(full, 'utf8') });
    else if (stat.isDirectory()) {
      for (const inner of readdirSync(full).sort()) {
        if (isYaml(inner) && statSync(join(full, inner)).isFile()) {
          files.push({ path: `${name}/${inner}`, text: readFileSync(join(full, inner), 'utf8') });
        }
      }
    }
  }
  return files;
}

export function readMappingFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new MappingDirError(path, (err as Error).message);
  }
}

/**
 * What the daemon calls at start-up: every mapping in `dir`, compiled, or a MappingError
 * listing every problem (file:line:col) so a bad mapping never reaches production data.
 */
export function loadMappings(dir: string): MappingSet {
  const set = buildMappingSet(readMappingDir(dir), dir);
  if (set.problems.length > 0) throw new MappingError(set.problems);
  return set;
}
