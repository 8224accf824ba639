import { CHOICES, TABLES, type TableName } from './schema.js';
import type { Row, SimState } from './simulator-state.js';

/**
 * How the Table API shapes a stored row in a response: every value a string; references
 * `{link, value}` unless `sysparm_exclude_reference_link=true`; `sysparm_display_value`
 * `false` (raw), `true` (labels and display names), `all` (`{display_value, value}`);
 * journal fields read `""` unless display values are asked for.
 */
export interface RenderOptions {
  displayValue: 'true' | 'false' | 'all';
  excludeReferenceLink: boolean;
  /** sysparm_fields; unknown names are silently left out. */
  fields: string[] | undefined;
  baseUrl: string;
}

type Rendered = string | Record<string, string>;

export function renderRow(
  state: SimState,
  table: TableName,
  row: Row,
  o: RenderOptions,
): Record<string, Rendered> {
  const defs = TABLES[table];
  const names = o.fields ?? Object.keys(defs);
  const out: Record<string, Rendered> = {};
  for (const f of names) {
    const def = defs[f];
    if (!def || !Object.hasOwn(defs, f)) continue;
    const raw = def.type === 'j' ? '' : (row[f] ?? '');
    if (o.displayValue === 'false') {
      out[f] =
        def.type === 'ref' && raw !== '' && !o.excludeReferenceLink
          ? { link: `${o.baseUrl}/api/now/table/${def.ref}/${raw}`, value: raw }
          : raw;
      continue;
    }
    const display = displayValue(state, table, row, f, raw);
    if (def.type === 'ref' && raw !== '') {
      const link = `${o.baseUrl}/api/now/table/${def.ref}/${raw}`;
      if (o.displayValue === 'true')
        out[f] = o.excludeReferenceLink ? display : { display_value: display, link };
      else
        out[f] = o.excludeReferenceLink
          ? { display_value: display, value: raw }
          : { display_value: display, link, value: raw };
      continue;
    }
    if (o.displayValue === 'true') out[f] = display;
    else out[f] = { display_value: display, value: raw };
  }
  return out;
}

/** A field's display value: choice label, referenced record's name or number, journal text. */
function displayValue(state: SimState, table: TableName, row: Row, f: string, raw: string): string {
  const def = TABLES[table][f]!;
  if (def.type === 'j') return journalText(state, table, row.sys_id ?? '', f);
  if (def.type === 'ref') return raw === '' ? '' : referenceDisplay(state, def.ref ?? '', raw);
  return CHOICES[table]?.[f]?.[raw] ?? raw;
}

function referenceDisplay(state: SimState, table: string, sysId: string): string {
  const tables: TableName[] =
    table === 'task' ? ['change_request', 'incident', 'change_task'] : [table as TableName];
  for (const t of tables) {
    const target = state.tables.get(t)?.get(sysId);
    if (!target) continue;
    if (t === 'sys_user') return target.name ?? '';
    return target.number ?? sysId;
  }
  return sysId === 'global' ? 'global' : sysId;
}

/** Journal display value: newest first, "<time> - <user> (Work notes)\n<text>\n\n". */
function journalText(state: SimState, table: TableName, sysId: string, field: string): string {
  const label = field === 'work_notes' ? 'Work notes' : 'Additional comments';
  const elements = field === 'comments_and_work_notes' ? ['comments', 'work_notes'] : [field];
  return elements
    .flatMap((e) => state.journal(table, sysId, e))
    .reverse()
    .map((j) => `${j.sys_created_on} - ${j.sys_created_by} (${label})\n${j.value}\n\n`)
    .join('');
}
