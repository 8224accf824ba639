import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

/** A position in a YAML tree: object keys and list indexes, root first. */
export type YamlPath = readonly (string | number)[];

export interface Position {
  line: number;
  col: number;
}

interface Step {
  key: Node | undefined;
  value: Node | undefined;
}

/** Descends the YAML AST along `path` as far as it goes; one step per segment found. */
function steps(doc: Document, path: YamlPath): Step[] {
  const found: Step[] = [];
  let node: unknown = doc.contents;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isScalar(p.key) && String(p.key.value) === String(segment),
      );
      if (!pair) break;
      found.push({ key: pair.key as Node, value: (pair.value ?? undefined) as Node | undefined });
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && node.items[segment] !== undefined) {
      const item = node.items[segment] as Node;
      found.push({ key: undefined, value: item });
      node = item;
    } else {
      break;
    }
  }
  return found;
}

/**
 * Where to point for a problem at `path`: the value when it exists (a bad URL), the key
 * when asked or when the value is empty (unknown key, `auth:` with nothing after it), and
 * the deepest existing ancestor's key when the field is missing altogether.
 */
export function locate(
  doc: Document,
  counter: LineCounter,
  path: YamlPath,
  at: 'key' | 'value' = 'value',
): Position | undefined {
  const found = steps(doc, path);
  const last = found[found.length - 1];
  const complete = found.length === path.length;
  const preferred =
    complete && at === 'value' ? (last?.value ?? last?.key) : (last?.key ?? last?.value);
  const offset =
    preferred?.range?.[0] ?? (path.length === 0 ? doc.contents?.range?.[0] : undefined);
  return offset === undefined ? undefined : counter.linePos(offset);
}
