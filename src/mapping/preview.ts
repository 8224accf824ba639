import type { CompiledMapping } from './compile.js';
import type { FieldIssue, FieldWrite } from './run.js';

/** What `mappings preview` prints: the canonical patch, the write-back, and what was ignored. */
export interface Preview {
  mapping: { files: readonly string[]; target: string; hash: string };
  canonical: Record<string, unknown>;
  issues: FieldIssue[];
  reverse: { patch: Record<string, unknown>; writes: FieldWrite[]; issues: FieldIssue[] };
  /** Non-empty source paths no field reads (depth-limited). */
  unmapped: string[];
}

const MAX_DEPTH = 3;

function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    // ServiceNow `{display_value, value}` / `{link, value}`: empty when its value is.
    if ('value' in o && (o.value === '' || o.value === null)) return true;
    return Object.keys(o).length === 0;
  }
  return false;
}

function leaves(value: unknown, prefix: string, depth: number, out: string[]): void {
  if (isEmpty(value)) return;
  const isLeaf =
    depth >= MAX_DEPTH ||
    value === null ||
    typeof value !== 'object' ||
    Array.isArray(value) ||
    'value' in (value as object);
  if (isLeaf) {
    out.push(prefix);
    return;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    leaves(v, prefix ? `${prefix}.${k}` : k, depth + 1, out);
  }
}

function normalise(path: string): string {
  return path.replace(/\[(\d+|\*)\]/g, '.$1');
}

export function previewRecord(mapping: CompiledMapping, record: unknown): Preview {
  const result = mapping.map(record);
  const canonical = Object.fromEntries(Object.entries(result.patch));
  const reverse = mapping.reverse(canonical);
  const read = mapping.fields.flatMap((f) => f.sources.map(normalise));
  const all: string[] = [];
  leaves(mapping.unwrapRecord(record), '', 0, all);
  const unmapped = all.filter(
    (p) => !read.some((r) => r === p || r.startsWith(`${p}.`) || p.startsWith(`${r}.`)),
  );
  return {
    mapping: { files: mapping.files, target: mapping.target, hash: mapping.hash },
    canonical,
    issues: result.issues,
    reverse: { patch: reverse.patch, writes: reverse.writes, issues: reverse.issues },
    unmapped: unmapped.sort(),
  };
}
