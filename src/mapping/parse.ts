import { isMap, isScalar, LineCounter, parseDocument, visit } from 'yaml';
import type { z } from 'zod';
import { suggestion } from '../util/did-you-mean.js';
import { locate, type YamlPath as DocPath } from '../util/yaml-locate.js';
import { FORBIDDEN_SEGMENTS } from './path.js';
import type { MappingProblem } from './problems.js';
import { FIELD_KEYS, FILE_KEYS, fileSchema, type FileSpec } from './schema.js';

/** A parsed file plus the means to point into it, so later checks can report line:col. */
export interface MappingSource {
  file: string;
  spec: FileSpec;
  problemAt(path: DocPath, message: string, at?: 'key' | 'value'): MappingProblem;
}

/** Mapping files are small; anything bigger is a mistake or an attack. */
export const MAX_FILE_BYTES = 256 * 1024;

function dotted(path: DocPath): string {
  return path.map(String).join('.');
}

function zodProblems(source: Omit<MappingSource, 'spec'>, error: z.ZodError): MappingProblem[] {
  return error.issues.map((issue) => {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const known = path.length === 0 ? FILE_KEYS : FIELD_KEYS;
      const key = issue.keys[0] ?? '';
      return source.problemAt(
        [...path, key],
        `unknown key "${key}"${suggestion(key, known)}; allowed: ${known.join(', ')}`,
        'key',
      );
    }
    return source.problemAt(path, issue.message);
  });
}

/** YAML text → validated spec, or every problem found, each with file:line:col. */
export function parseMappingText(
  file: string,
  text: string,
): { source?: MappingSource; problems: MappingProblem[] } {
  if (text.length > MAX_FILE_BYTES) {
    return {
      problems: [{ file, path: '', message: `file is larger than ${MAX_FILE_BYTES} bytes` }],
    };
  }
  const counter = new LineCounter();
  // Aliases are capped: a "billion laughs" file must not expand at load.
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true, prettyErrors: false });
  const base = {
    file,
    problemAt(path: DocPath, message: string, at: 'key' | 'value' = 'value'): MappingProblem {
      const pos = locate(doc, counter, path, at);
      return {
        file,
        path: dotted(path),
        message,
        ...(pos ? { line: pos.line, col: pos.col } : {}),
      };
    },
  };
  const problems: MappingProblem[] = doc.errors.map((e) => {
    const pos = counter.linePos(e.pos[0]);
    return {
      file,
      path: '',
      line: pos.line,
      col: pos.col,
      message: e.message.split('\n')[0] ?? e.message,
    };
  });
  if (problems.length > 0) return { problems };
  // Reject prototype keys anywhere before converting to JS objects.
  visit(doc, {
    Pair(_key, pair) {
      if (isScalar(pair.key) && FORBIDDEN_SEGMENTS.has(String(pair.key.value))) {
        const pos = counter.linePos(pair.key.range?.[0] ?? 0);
        problems.push({
          file,
          path: '',
          line: pos.line,
          col: pos.col,
          message: `key "${String(pair.key.value)}" is not allowed (prototype pollution guard)`,
        });
      }
    },
  });
  if (problems.length > 0) return { problems };
  if (!isMap(doc.contents)) {
    return { problems: [base.problemAt([], 'a mapping file is a YAML map with `fields:`')] };
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 50 });
  } catch (err) {
    return { problems: [base.problemAt([], (err as Error).message)] };
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) return { problems: zodProblems(base, parsed.error) };
  return { source: { ...base, spec: parsed.data }, problems: [] };
}
