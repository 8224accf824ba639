/**
 * Source and target paths: `a.b.0.c`, `a.b[0].c`, `a.*.name` (every element). Parsed once
 * at load; the getter walks plain own properties only, so a record can never lead the
 * engine into `Object.prototype`.
 */
export const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
]);

export type Segment = string | number | '*';

export class PathError extends Error {}

export function parsePath(text: string): Segment[] {
  if (text.length === 0 || text.length > 512) {
    throw new PathError(`path "${text}" must be 1–512 characters`);
  }
  const out: Segment[] = [];
  for (const dotted of text.replace(/\[(\d+|\*)\]/g, '.$1').split('.')) {
    if (dotted.length === 0) throw new PathError(`path "${text}" has an empty segment`);
    if (FORBIDDEN_SEGMENTS.has(dotted)) {
      throw new PathError(`path segment "${dotted}" is not allowed (prototype pollution guard)`);
    }
    out.push(dotted === '*' ? '*' : /^\d+$/.test(dotted) ? Number(dotted) : dotted);
  }
  if (out.length > 16) throw new PathError(`path "${text}" is deeper than 16 segments`);
  return out;
}

const own = Object.prototype.hasOwnProperty;

function step(value: unknown, seg: string | number): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  if (typeof seg === 'number') return Array.isArray(value) ? value[seg] : undefined;
  return own.call(value, seg) ? (value as Record<string, unknown>)[seg] : undefined;
}

/** A compiled getter; `*` fans out into an array (nested fans flatten). */
export function compileGetter(segments: readonly Segment[]): (root: unknown) => unknown {
  const star = segments.indexOf('*');
  if (star < 0) {
    const segs = segments as readonly (string | number)[];
    if (segs.length === 1) {
      const only = segs[0] as string | number;
      return (root) => step(root, only);
    }
    return (root) => {
      let v = root;
      for (let i = 0; i < segs.length && v !== undefined; i++) v = step(v, segs[i] as string);
      return v;
    };
  }
  const head = compileGetter(segments.slice(0, star));
  const tail = segments.length > star + 1 ? compileGetter(segments.slice(star + 1)) : null;
  return (root) => {
    const list = star === 0 ? root : head(root);
    if (!Array.isArray(list)) return undefined;
    const out: unknown[] = [];
    for (const item of list) {
      const v = tail ? tail(item) : item;
      if (Array.isArray(v)) out.push(...(v as unknown[]));
      else if (v !== undefined && v !== null) out.push(v);
    }
    return out;
  };
}

/** Sets `value` at a plain path, creating null-prototype objects on the way. */
export function setPath(
  target: Record<string, unknown>,
  segments: readonly string[],
  value: unknown,
): void {
  let node = target;
  for (let i = 0; i < segments.length - 1; i++) {
    const seg = segments[i] as string;
    let next = Object.prototype.hasOwnProperty.call(node, seg) ? node[seg] : undefined;
    if (next === null || typeof next !== 'object') {
      next = Object.create(null) as Record<string, unknown>;
      node[seg] = next;
    }
    node = next as Record<string, unknown>;
  }
  node[segments[segments.length - 1] as string] = value;
}
