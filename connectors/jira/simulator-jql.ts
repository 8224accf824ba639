/**
 * The JQL subset the simulator understands: `project`, `issuetype`/`type`, `key`/`issuekey`,
 * `id`, `labels`, `status`, `summary`, `updated`/`created`, `issue.property[x].path`;
 * operators `= != > >= < <= IN, NOT IN, ~`; `AND`, `OR`, `NOT`, parentheses; `ORDER BY`.
 * Anything else is a 400, as in Jira, so a connector bug cannot hide behind leniency.
 */

export type JqlValue = { type: 'string' | 'word'; text: string };
export type JqlOperator = '=' | '!=' | '>' | '>=' | '<' | '<=' | '~' | 'IN' | 'NOT IN';

export type JqlClause =
  | { kind: 'cmp'; field: string; op: JqlOperator; values: JqlValue[] }
  | { kind: 'and' | 'or'; items: JqlClause[] }
  | { kind: 'not'; item: JqlClause };

export interface JqlQuery {
  where: JqlClause | null;
  orderBy: { field: string; direction: 'ASC' | 'DESC' }[];
}

export class JqlError extends Error {}

type Token =
  | { t: 'str'; v: string }
  | { t: 'word'; v: string }
  | { t: 'op'; v: string }
  | { t: 'punct'; v: '(' | ')' | ',' };

const ESCAPES: Record<string, string> = {
  n: '\n',
  r: '\r',
  t: '\t',
  '"': '"',
  "'": "'",
  '\\': '\\',
  ' ': ' ',
};

export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'") {
      let v = '';
      i++;
      for (;;) {
        if (i >= input.length) throw new JqlError(`unterminated string starting with ${c}`);
        const d = input[i]!;
        if (d === c) break;
        if (d === '\\') {
          const e = input[i + 1];
          if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(input.slice(i + 2, i + 6))) {
            v += String.fromCharCode(parseInt(input.slice(i + 2, i + 6), 16));
            i += 6;
            continue;
          }
          const mapped = e === undefined ? undefined : ESCAPES[e];
          if (mapped === undefined) throw new JqlError(`illegal escape sequence \\${e ?? ''}`);
          v += mapped;
          i += 2;
          continue;
        }
        v += d;
        i++;
      }
      i++;
      tokens.push({ t: 'str', v });
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ t: 'punct', v: c });
      i++;
    } else if ('=!<>~'.includes(c)) {
      const two = input.slice(i, i + 2);
      if (two === '!=' || two === '>=' || two === '<=' || two === '!~') {
        tokens.push({ t: 'op', v: two });
        i += 2;
      } else if (c === '!') {
        throw new JqlError('unexpected "!"');
      } else {
        tokens.push({ t: 'op', v: c });
        i++;
      }
    } else {
      let j = i;
      // Unquoted words: letters, digits and the characters keys, dates and property paths use.
      while (j < input.length && /[A-Za-z0-9_.\-[\]/:+]/.test(input[j]!)) j++;
      if (j === i) throw new JqlError(`unexpected character "${c}" at position ${i}`);
      tokens.push({ t: 'word', v: input.slice(i, j) });
      i = j;
    }
  }
  return tokens;
}

const RESERVED = new Set(['AND', 'OR', 'NOT', 'IN', 'ORDER', 'BY', 'EMPTY', 'NULL', 'IS']);

export function parseJql(input: string): JqlQuery {
  const tokens = tokenize(input);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isWord = (tok: Token | undefined, w: string): boolean =>
    tok?.t === 'word' && tok.v.toUpperCase() === w;

  const parseOr = (): JqlClause => {
    const items = [parseAnd()];
    while (isWord(peek(), 'OR')) {
      pos++;
      items.push(parseAnd());
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  };
  const parseAnd = (): JqlClause => {
    const items = [parseUnary()];
    while (isWord(peek(), 'AND')) {
      pos++;
      items.push(parseUnary());
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  };
  const parseUnary = (): JqlClause => {
    const tok = peek();
    if (isWord(tok, 'NOT')) {
      pos++;
      return { kind: 'not', item: parseUnary() };
    }
    if (tok?.t === 'punct' && tok.v === '(') {
      pos++;
      const inner = parseOr();
      expectPunct(')');
      return inner;
    }
    return parseComparison();
  };
  const expectPunct = (p: string): void => {
    const tok = peek();
    if (tok?.t !== 'punct' || tok.v !== p) throw new JqlError(`expected "${p}"`);
    pos++;
  };
  const parseValue = (): JqlValue => {
    const tok = peek();
    if (tok?.t === 'str') {
      pos++;
      return { type: 'string', text: tok.v };
    }
    if (tok?.t === 'word' && !RESERVED.has(tok.v.toUpperCase())) {
      pos++;
      return { type: 'word', text: tok.v };
    }
    throw new JqlError('expected a value');
  };
  const parseComparison = (): JqlClause => {
    const fieldTok = peek();
    if (fieldTok?.t !== 'word' && fieldTok?.t !== 'str')
      throw new JqlError('expected a field name');
    if (fieldTok.t === 'word' && RESERVED.has(fieldTok.v.toUpperCase())) {
      throw new JqlError(`expected a field name, found reserved word "${fieldTok.v}"`);
    }
    pos++;
    const field = fieldTok.v.toLowerCase();
    const opTok = peek();
    let op: JqlOperator;
    if (opTok?.t === 'op' && opTok.v !== '!~') {
      op = opTok.v as JqlOperator;
      pos++;
    } else if (isWord(opTok, 'IN')) {
      op = 'IN';
      pos++;
    } else if (isWord(opTok, 'NOT') && isWord(tokens[pos + 1], 'IN')) {
      op = 'NOT IN';
      pos += 2;
    } else {
      throw new JqlError(`expected an operator after "${field}"`);
    }
    if (op === 'IN' || op === 'NOT IN') {
      expectPunct('(');
      const values = [parseValue()];
      while (peek()?.t === 'punct' && peek()?.v === ',') {
        pos++;
        values.push(parseValue());
      }
      expectPunct(')');
      return { kind: 'cmp', field, op, values };
    }
    return { kind: 'cmp', field, op, values: [parseValue()] };
  };

  let where: JqlClause | null = null;
  if (pos < tokens.length && !isWord(peek(), 'ORDER')) where = parseOr();
  const orderBy: JqlQuery['orderBy'] = [];
  if (isWord(peek(), 'ORDER')) {
    pos++;
    if (!isWord(peek(), 'BY')) throw new JqlError('expected BY after ORDER');
    pos++;
    for (;;) {
      const f = peek();
      if (f?.t !== 'word') throw new JqlError('expected a field after ORDER BY');
      pos++;
      let direction: 'ASC' | 'DESC' = 'ASC';
      if (isWord(peek(), 'ASC') || isWord(peek(), 'DESC')) {
        direction = (peek() as { v: string }).v.toUpperCase() as 'ASC' | 'DESC';
        pos++;
      }
      orderBy.push({ field: f.v.toLowerCase(), direction });
      if (peek()?.t === 'punct' && peek()?.v === ',') {
        pos++;
        continue;
      }
      break;
    }
  }
  if (pos < tokens.length) throw new JqlError(`unexpected input near token ${pos + 1}`);
  return { where, orderBy };
}
