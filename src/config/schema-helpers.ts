import { z } from 'zod';
import { cronProblem, CRON_EXPECTED } from './cron.js';
import type { CustomParams } from './errors.js';

/** `expected …` texts for error messages, kept beside the schema they describe. */
export const expectedHints = z.registry<{ expected: string }>();

type Ctx = { addIssue(issue: { code: 'custom'; message: string; params: CustomParams }): void };

/** Our own checks report structured params; errors.ts turns them into sentences. */
export function fail(ctx: Ctx, problem: string, expected?: string): void {
  ctx.addIssue({ code: 'custom', message: problem, params: { problem, expected } });
}

/** `${PORT}` resolves to the string "8080": accept digit strings wherever a number is due. */
function numericText(value: unknown): unknown {
  return typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value;
}

export function int(min: number, max = Number.MAX_SAFE_INTEGER) {
  const expected =
    max === Number.MAX_SAFE_INTEGER
      ? `a whole number of at least ${min}`
      : `a whole number from ${min} to ${max}`;
  const checked = z.number().superRefine((value, ctx) => {
    if (!Number.isInteger(value)) fail(ctx, 'is not a whole number', expected);
    else if (value < min || value > max) fail(ctx, 'is out of range', expected);
  });
  return z.preprocess(numericText, checked).register(expectedHints, { expected });
}

export function text(expected = 'non-empty text') {
  return z.string().min(1).register(expectedHints, { expected });
}

export function matching(pattern: RegExp, expected: string) {
  return z
    .string()
    .superRefine((value, ctx) => {
      if (!pattern.test(value)) fail(ctx, 'is not valid', expected);
    })
    .register(expectedHints, { expected });
}

/** Letters, digits, `_ . -`: the id-segment alphabet of src/model/ids.ts, since names end up in ids. */
export const identifier = () =>
  matching(
    /^[A-Za-z0-9][A-Za-z0-9_.-]*$/,
    'letters, digits, "_", "." or "-", starting with a letter or digit',
  );

/**
 * An absolute http(s) URL. http:// is allowed because the simulators and local test
 * instances listen on http://127.0.0.1:<port>. Trailing slashes are dropped so clients
 * can append `/rest/api/3/...` without doubling them.
 */
export function httpUrl(expected: string) {
  return z
    .string()
    .superRefine((value, ctx) => {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        return fail(ctx, 'is not a URL', expected);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        fail(ctx, 'is not an http(s) URL', expected);
      } else if (url.username !== '' || url.password !== '') {
        fail(ctx, 'has credentials in it; put them under auth', expected);
      }
    })
    .transform((value) => value.replace(/\/+$/, ''))
    .register(expectedHints, { expected });
}

/** A secret field: by the time validation runs it holds the resolved value of a `${NAME}` reference. */
export const secret = () => text('a ${NAME} environment reference');

export function cron() {
  return z
    .string()
    .superRefine((value, ctx) => {
      const problem = cronProblem(value);
      if (problem) fail(ctx, `is not a valid cron expression: ${problem}`, CRON_EXPECTED);
    })
    .register(expectedHints, { expected: CRON_EXPECTED });
}

export function timeZone() {
  const expected = 'an IANA time zone such as "UTC" or "Europe/Berlin"';
  return z
    .string()
    .superRefine((value, ctx) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: value });
      } catch {
        fail(ctx, 'is not a known time zone', expected);
      }
    })
    .register(expectedHints, { expected });
}

export function list<T extends z.ZodType>(item: T, expected: string) {
  return z.array(item).min(1).register(expectedHints, { expected });
}

/** An ISO-8601 date or date-time, e.g. `2026-01-01` or `2026-01-01T00:00:00Z`. */
export function isoDate() {
  return matching(
    /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/,
    'an ISO date such as 2026-01-01 or 2026-01-01T00:00:00Z',
  );
}
