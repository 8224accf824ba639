import { readFileSync } from 'node:fs';
import { compileMapping, MappingError, parseMappingText } from '../../../src/mapping/index.js';
import { ROOT } from './helpers.js';

function compile(yaml: string) {
  const { source, problems } = parseMappingText('t.yaml', yaml);
  if (!source) throw new MappingError(problems);
  return compileMapping([source]);
}

const HEAD = 'system: jira\nkind: issue\ntarget: Change\nfields:\n';

describe('mapping safety', () => {
  it('never uses eval or Function in the engine source', () => {
    for (const file of [
      'compile.ts',
      'compile-field.ts',
      'transforms.ts',
      'template.ts',
      'path.ts',
      'run.ts',
    ]) {
      const text = readFileSync(`${ROOT}src/mapping/${file}`, 'utf8');
      expect(text).not.toMatch(/\beval\s*\(|new Function|Function\(/);
    }
  });

  it.each([
    [
      'a __proto__ path segment',
      `  title:\n    from: fields.__proto__.x\n`,
      /path segment "__proto__" is not allowed/,
    ],
    [
      'a prototype path in brackets',
      `  title:\n    from: 'fields[0].prototype'\n`,
      /path segment "prototype" is not allowed/,
    ],
    [
      'a constructor write target',
      `  title:\n    from: fields.summary\n    direction: both\n    authority: jira\n    to: constructor\n`,
      /path segment "constructor" is not allowed/,
    ],
    [
      'a prototype envelope',
      `  title:\n    from: fields.summary\nenvelope: prototype\n`,
      /path segment "prototype" is not allowed/,
    ],
    [
      'a Function transform',
      `  title:\n    from: fields.summary\n    transform: [Function]\n`,
      /unknown transform "Function"/,
    ],
    [
      'a __proto__ transform name',
      `  title:\n    from: fields.summary\n    transform: [{ __proto__: x }]\n`,
      /key "__proto__" is not allowed/,
    ],
    [
      'an over-long template',
      `  title:\n    from: fields.summary\n    transform: [{ template: '${'x'.repeat(1001)}' }]\n`,
      /template is 1001 characters; the limit is 1000/,
    ],
    [
      'too many placeholders',
      `  title:\n    from: fields.summary\n    transform: [{ template: '${'{{.}}'.repeat(21)}' }]\n`,
      /more than 20 placeholders/,
    ],
  ])('rejects %s at load', (_name, fields, message) => {
    expect(() => compile(HEAD + fields)).toThrow(message);
  });

  it('refuses alias bombs instead of expanding them', () => {
    const bomb = `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n${HEAD}`;
    const { source, problems } = parseMappingText('bomb.yaml', bomb);
    expect(source).toBeUndefined();
    expect(problems[0]?.message).toMatch(/alias/i);
  });

  it('does not pollute Object.prototype from a hostile record', () => {
    const m = compile(
      `${HEAD}  title:\n    from: fields.summary\n  services:\n    from: fields.components[*].name\n`,
    );
    const hostile = JSON.parse(
      '{"fields":{"summary":"x","__proto__":{"polluted":1},"components":[{"name":"a","__proto__":{"name":"b"}}]}}',
    ) as unknown;
    const { patch } = m.map(hostile);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(patch)).toBeNull();
    expect(patch.services).toEqual(['a']);
    // An inherited member is not a source value.
    expect(
      m.map({ fields: Object.create({ summary: 'inherited' }) as object }).patch.title,
    ).toBeUndefined();
  });

  it('builds write-back patches from null-prototype objects', () => {
    const m = compile(
      `${HEAD}  title:\n    from: fields.summary\n    direction: both\n    authority: jira\n`,
    );
    const { patch } = m.reverse({ title: 'New' });
    expect(Object.getPrototypeOf(patch)).toBeNull();
    expect(Object.getPrototypeOf(patch.fields)).toBeNull();
    expect(JSON.stringify(patch)).toBe('{"fields":{"summary":"New"}}');
  });
});
