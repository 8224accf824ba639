/**
 * Syntax check for the cron expressions in `schedules`. The scheduler (node-cron 4) accepts
 * more (L, W, #, inverted ranges that wrap); we accept the portable subset every cron reader
 * understands, so a schedule means the same thing to the operator and to the daemon.
 */
interface Field {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const SECOND: Field = { name: 'second', min: 0, max: 59 };
const FIVE_FIELDS: readonly Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  // 0 and 7 are both Sunday, as in every cron since Vixie.
  { name: 'day of week', min: 0, max: 7, names: DAYS },
];

export const CRON_EXPECTED =
  '5 fields "minute hour day-of-month month day-of-week" or 6 with seconds first, e.g. "*/5 * * * *"';

/** Returns why `expression` is not a valid cron expression, or undefined when it is. */
export function cronProblem(expression: string): string | undefined {
  const parts = expression.trim().split(/\s+/).filter(Boolean);
  if (parts.length !== 5 && parts.length !== 6) {
    return `it has ${parts.length} field${parts.length === 1 ? '' : 's'}`;
  }
  const fields = parts.length === 6 ? [SECOND, ...FIVE_FIELDS] : FIVE_FIELDS;
  for (const [i, part] of parts.entries()) {
    const field = fields[i] as Field;
    for (const item of part.split(',')) {
      const problem = itemProblem(item, field);
      if (problem) return problem;
    }
  }
  return undefined;
}

function itemProblem(item: string, field: Field): string | undefined {
  const [range = '', step, extra] = item.split('/');
  if (extra !== undefined) return `${field.name} "${item}" has more than one "/"`;
  if (step !== undefined) {
    if (!/^\d+$/.test(step) || Number(step) < 1) {
      return `${field.name} step "${step}" is not a positive number`;
    }
    if (range !== '*' && !range.includes('-')) {
      return `${field.name} "${item}" needs "*" or a range before the step ("*/${step}" or "a-b/${step}")`;
    }
  }
  if (range === '*' || (range === '?' && field.name.startsWith('day'))) return undefined;
  const bounds = range.split('-');
  if (bounds.length > 2) return `${field.name} "${range}" is not a value or a range`;
  const values: number[] = [];
  for (const bound of bounds) {
    const value = valueOf(bound, field);
    if (value === undefined) {
      const names = field.names
        ? ` or ${field.names[0]}-${field.names[field.names.length - 1]}`
        : '';
      return `${field.name} "${bound}" is not within ${field.min}-${field.max}${names}`;
    }
    values.push(value);
  }
  const [from = 0, to = from] = values;
  if (from > to) return `${field.name} range "${range}" runs backwards`;
  return undefined;
}

function valueOf(text: string, field: Field): number | undefined {
  const named = field.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return named + field.min;
  if (!/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= field.min && value <= field.max ? value : undefined;
}
