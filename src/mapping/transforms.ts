import { extractKeys, identityId, type SystemName } from '../model/index.js';
import { adfToText, textToAdf } from './adf.js';
import { DATE_FORMATS, formatDate, parseDate, zoneOffset, type DateFormat } from './dates.js';
import { suggestion } from '../util/did-you-mean.js';
import { compileTemplate } from './template.js';

/**
 * The fixed library of named transforms. A mapping file can only pick from this table and
 * pass plain arguments; nothing it says is ever evaluated. Lookups go through a Map so a
 * name like `constructor` or `__proto__` finds nothing instead of an Object.prototype member.
 */
export type Fn = (value: unknown, record: unknown) => unknown;

export interface CompiledTransform {
  name: string;
  forward: Fn;
  /** Target ← canonical; null when the transform loses information (template, keys). */
  reverse: ((value: unknown) => unknown) | null;
}

export class TransformError extends Error {}

interface Context {
  system: SystemName;
}

type Factory = (arg: unknown, ctx: Context) => Omit<CompiledTransform, 'name'>;

const empty = (v: unknown) => v === null || v === undefined || v === '';

/** Applies a scalar function to a value or to each element of an array. */
function each(fn: (v: unknown) => unknown): (v: unknown) => unknown {
  return (v) => (Array.isArray(v) ? v.map(fn) : empty(v) ? v : fn(v));
}

const identity = (v: unknown) => v;

function str(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new TransformError(`expected text, got ${Array.isArray(v) ? 'a list' : typeof v}`);
}

function stringArg(name: string, arg: unknown, fallback?: string): string {
  if (arg === undefined && fallback !== undefined) return fallback;
  if (typeof arg !== 'string') throw new TransformError(`${name} takes a text argument`);
  return arg;
}

function userId(v: unknown): string {
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const k of ['value', 'accountId', 'login', 'username']) {
      if (
        Object.prototype.hasOwnProperty.call(o, k) &&
        (typeof o[k] === 'string' || typeof o[k] === 'number')
      ) {
        return String(o[k]);
      }
    }
  }
  throw new TransformError('user: expected an id, a {value} reference or a user object');
}

const FACTORIES: ReadonlyMap<string, Factory> = new Map<string, Factory>([
  ['trim', () => ({ forward: each((v) => str(v).trim()), reverse: identity })],
  ['lower', () => ({ forward: each((v) => str(v).toLowerCase()), reverse: identity })],
  ['upper', () => ({ forward: each((v) => str(v).toUpperCase()), reverse: identity })],
  [
    'number',
    (_a, ctx) => ({
      forward: each((v) => {
        const n = typeof v === 'number' ? v : Number(str(v).trim());
        if (!Number.isFinite(n)) throw new TransformError(`number: "${String(v)}" is not a number`);
        return n;
      }),
      // ServiceNow carries every value as a string, so write numbers back as strings.
      reverse: each((v) => (ctx.system === 'servicenow' ? String(v) : v)),
    }),
  ],
  [
    'boolean',
    (_a, ctx) => ({
      forward: each((v) => {
        const s = str(v).trim().toLowerCase();
        if (s === 'true' || s === '1' || s === 'yes') return true;
        if (s === 'false' || s === '0' || s === 'no') return false;
        throw new TransformError(`boolean: "${String(v)}" is not true/false`);
      }),
      reverse: each((v) => (ctx.system === 'servicenow' ? String(v) : v)),
    }),
  ],
  [
    'date',
    (arg) => {
      const opts = (typeof arg === 'string' ? { format: arg } : (arg ?? {})) as Record<
        string,
        unknown
      >;
      const format = (opts.format ?? 'iso') as DateFormat;
      if (!DATE_FORMATS.includes(format)) {
        throw new TransformError(
          `date format "${String(format)}" is unknown${suggestion(String(format), DATE_FORMATS)}; use one of ${DATE_FORMATS.join(', ')}`,
        );
      }
      const zone = stringArg('date.timezone', opts.timezone, 'UTC');
      let offset;
      try {
        offset = zoneOffset(zone);
      } catch {
        throw new TransformError(
          `date timezone "${zone}" is not an IANA time zone (e.g. UTC, Europe/Berlin)`,
        );
      }
      return {
        forward: each((v) => parseDate(v, format, offset)),
        reverse: each((v) => (v instanceof Date ? formatDate(v, format, offset) : v)),
      };
    },
  ],
  [
    'split',
    (arg) => {
      const sep = stringArg('split', arg, ',');
      return {
        forward: (v) =>
          empty(v)
            ? []
            : str(v)
                .split(sep)
                .map((s) => s.trim())
                .filter(Boolean),
        reverse: (v) => (Array.isArray(v) ? v.join(sep) : v),
      };
    },
  ],
  [
    'join',
    (arg) => {
      const sep = stringArg('join', arg, ', ');
      return {
        forward: (v) =>
          Array.isArray(v)
            ? v
                .filter((x) => !empty(x))
                .map(str)
                .join(sep)
            : v,
        reverse: (v) => (typeof v === 'string' ? (v ? v.split(sep) : []) : v),
      };
    },
  ],
  [
    'first',
    () => ({
      forward: (v) => (Array.isArray(v) ? (v.find((x) => !empty(x)) ?? null) : v),
      reverse: (v) => (empty(v) ? [] : [v]),
    }),
  ],
  [
    'last',
    () => ({
      forward: (v) => (Array.isArray(v) ? (v.length > 0 ? v[v.length - 1] : null) : v),
      reverse: (v) => (empty(v) ? [] : [v]),
    }),
  ],
  [
    'template',
    (arg) => {
      const fn = compileTemplate(stringArg('template', arg));
      return { forward: (v, record) => fn(v, record), reverse: null };
    },
  ],
  ['adf_to_text', () => ({ forward: adfToText, reverse: textToAdf })],
  ['text_to_adf', () => ({ forward: textToAdf, reverse: adfToText })],
  [
    'user',
    (arg, ctx) => {
      const system = (arg ?? ctx.system) as SystemName;
      if (!['servicenow', 'jira', 'github', 'gitlab'].includes(system)) {
        throw new TransformError(
          `user system "${String(arg)}" is unknown; use servicenow, jira, github or gitlab`,
        );
      }
      const prefix = identityId(system, 'x').slice(0, -1);
      return {
        forward: each((v) => identityId(system, userId(v))),
        // Jira takes `{accountId}` for user fields; the others take the bare id.
        reverse: each((v) => {
          const id = typeof v === 'string' && v.startsWith(prefix) ? v.slice(prefix.length) : v;
          return system === 'jira' ? { accountId: id } : id;
        }),
      };
    },
  ],
  [
    'keys',
    (arg) => {
      const which = stringArg('keys', arg, 'all');
      if (!['changes', 'issues', 'all'].includes(which)) {
        throw new TransformError(`keys takes changes, issues or all, not "${which}"`);
      }
      return {
        forward: (v) => {
          const texts = (Array.isArray(v) ? v : [v]).filter(
            (x): x is string => typeof x === 'string',
          );
          const { changeKeys, issueKeys } = extractKeys(texts);
          if (which === 'changes') return changeKeys;
          if (which === 'issues') return issueKeys;
          return [...changeKeys, ...issueKeys];
        },
        reverse: null,
      };
    },
  ],
]);

export const TRANSFORM_NAMES: readonly string[] = [...FACTORIES.keys()];

/** `trim` or `{ date: { format: servicenow } }` → a compiled transform. */
export function compileTransform(step: unknown, ctx: Context): CompiledTransform {
  let name: string;
  let arg: unknown;
  if (typeof step === 'string') name = step;
  else if (
    step &&
    typeof step === 'object' &&
    !Array.isArray(step) &&
    Object.keys(step).length === 1
  ) {
    name = Object.keys(step)[0] as string;
    arg = (step as Record<string, unknown>)[name];
  } else {
    throw new TransformError('a transform is a name (`trim`) or a one-key map (`{ split: "," }`)');
  }
  const factory = FACTORIES.get(name);
  if (!factory) {
    throw new TransformError(
      `unknown transform "${name}"${suggestion(name, TRANSFORM_NAMES)}; available: ${TRANSFORM_NAMES.join(', ')}`,
    );
  }
  return { name, ...factory(arg, ctx) };
}
