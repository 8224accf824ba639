import { compileMapping, type CompiledMapping } from './compile.js';
import { parseMappingText, type MappingSource } from './parse.js';
import { MappingError, type MappingProblem } from './problems.js';

/** A mapping file's text and its path relative to the mappings folder (`acme/jira.issue.yaml`). */
export interface MappingFile {
  path: string;
  text: string;
}

export interface MappingSet {
  /** The mapping for a record kind, the tenant's override when it has one. */
  get(system: string, kind: string, tenant?: string | null): CompiledMapping | undefined;
  all: readonly CompiledMapping[];
  problems: readonly MappingProblem[];
}

const NAME = /^([a-z]+)\.([a-z][a-z0-9_]*)\.ya?ml$/;

function key(system: string, kind: string, tenant: string | null): string {
  return `${tenant ?? ''}/${system}.${kind}`;
}

/**
 * Parses, compiles and cross-checks a folder's worth of mapping files (pure: the caller
 * reads them). Defaults live at the top; `<tenant>/<system>.<kind>.yaml` overrides the
 * default of the same name. Problems are collected, never thrown, so `validate` can list
 * them all.
 */
export function buildMappingSet(files: readonly MappingFile[], displayRoot = ''): MappingSet {
  const problems: MappingProblem[] = [];
  const defaults = new Map<string, MappingSource>();
  const overrides: { tenant: string; name: string; source: MappingSource }[] = [];
  const display = (p: string) => (displayRoot ? `${displayRoot.replace(/\/$/, '')}/${p}` : p);
  for (const file of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    const parts = file.path.split('/');
    const base = parts[parts.length - 1] as string;
    const m = NAME.exec(base);
    if (!m || parts.length > 2) {
      problems.push({
        file: display(file.path),
        path: '',
        message:
          'mapping files are named <system>.<kind>.yaml, at the top or in one <tenant>/ folder',
      });
      continue;
    }
    const { source, problems: found } = parseMappingText(display(file.path), file.text);
    problems.push(...found);
    if (!source) continue;
    const [, system, kind] = m as unknown as [string, string, string];
    for (const [k, expected] of [
      ['system', system],
      ['kind', kind],
    ] as const) {
      const actual = source.spec[k];
      if (actual !== undefined && actual !== expected) {
        problems.push(
          source.problemAt(
            [k],
            `says ${k} "${actual}" but the file name says "${expected}"; rename the file or fix \`${k}:\``,
          ),
        );
      }
    }
    if (parts.length === 1) defaults.set(`${system}.${kind}`, source);
    else overrides.push({ tenant: parts[0] as string, name: `${system}.${kind}`, source });
  }
  const compiled = new Map<string, CompiledMapping>();
  const tryCompile = (sources: MappingSource[], tenant: string | null) => {
    try {
      const mapping = compileMapping(sources, tenant);
      compiled.set(key(mapping.system, mapping.kind, tenant), mapping);
    } catch (err) {
      if (!(err instanceof MappingError)) throw err;
      problems.push(...err.problems);
    }
  };
  for (const source of defaults.values()) tryCompile([source], null);
  for (const o of overrides) {
    const parent = defaults.get(o.name);
    tryCompile(parent ? [parent, o.source] : [o.source], o.tenant);
  }
  problems.push(
    ...authorityConflicts(
      [...compiled.values()],
      [...defaults.values(), ...overrides.map((o) => o.source)],
    ),
  );
  return {
    get: (system, kind, tenant = null) =>
      (tenant ? compiled.get(key(system, kind, tenant)) : undefined) ??
      compiled.get(key(system, kind, null)),
    all: [...compiled.values()],
    problems,
  };
}

/**
 * Two files of the same tenant that both write a canonical field two-way must agree on who
 * wins; otherwise each side would overwrite the other forever (DESIGN §5).
 */
function authorityConflicts(
  mappings: CompiledMapping[],
  sources: MappingSource[],
): MappingProblem[] {
  const byFile = new Map(sources.map((s) => [s.file, s]));
  const seen = new Map<string, { mapping: CompiledMapping; authority: string }>();
  const problems: MappingProblem[] = [];
  for (const mapping of mappings) {
    for (const f of mapping.fields) {
      if (f.direction !== 'both' || f.authority === null) continue;
      const k = `${mapping.tenant ?? ''}/${mapping.target}.${f.name}`;
      const prev = seen.get(k);
      if (!prev) {
        seen.set(k, { mapping, authority: f.authority });
        continue;
      }
      if (prev.authority === f.authority) continue;
      const file = mapping.files[mapping.files.length - 1] as string;
      const source = byFile.get(file);
      const message = `authority "${f.authority}" conflicts with "${prev.authority}" for ${mapping.target}.${f.name} in ${prev.mapping.files[prev.mapping.files.length - 1]}; both files must name the same authority`;
      problems.push(
        source
          ? source.problemAt(['fields', f.name, 'authority'], message)
          : { file, path: `fields.${f.name}.authority`, message },
      );
    }
  }
  return problems;
}
