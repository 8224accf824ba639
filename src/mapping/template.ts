import { compileGetter, parsePath, PathError } from './path.js';

/**
 * `"{{repository.full_name}}#{{number}}"`: placeholders are source paths (or `.` for the
 * value being transformed). No expressions, no loops: the output is bounded by the
 * template's size times the capped length of each value.
 */
export const MAX_TEMPLATE_LENGTH = 1000;
export const MAX_PLACEHOLDERS = 20;
export const MAX_VALUE_LENGTH = 4096;

export type TemplateFn = (value: unknown, record: unknown) => string;

function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? (Array.isArray(v) ? v.join(',') : '') : String(v);
  return s.length > MAX_VALUE_LENGTH ? s.slice(0, MAX_VALUE_LENGTH) : s;
}

export function compileTemplate(template: string): TemplateFn {
  if (template.length > MAX_TEMPLATE_LENGTH) {
    throw new PathError(
      `template is ${template.length} characters; the limit is ${MAX_TEMPLATE_LENGTH}`,
    );
  }
  const parts: (string | ((value: unknown, record: unknown) => unknown))[] = [];
  let i = 0;
  let count = 0;
  while (i < template.length) {
    const open = template.indexOf('{{', i);
    if (open < 0) {
      parts.push(template.slice(i));
      break;
    }
    const close = template.indexOf('}}', open + 2);
    if (close < 0) throw new PathError(`template has "{{" at ${open} without a closing "}}"`);
    if (open > i) parts.push(template.slice(i, open));
    const name = template.slice(open + 2, close).trim();
    if (++count > MAX_PLACEHOLDERS) {
      throw new PathError(`template has more than ${MAX_PLACEHOLDERS} placeholders`);
    }
    if (name === '.') parts.push((value) => value);
    else {
      const get = compileGetter(parsePath(name));
      parts.push((_value, record) => get(record));
    }
    i = close + 2;
  }
  return (value, record) => {
    let out = '';
    for (const part of parts) out += typeof part === 'string' ? part : text(part(value, record));
    return out;
  };
}
