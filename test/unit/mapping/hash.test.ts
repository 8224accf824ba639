import { compileMapping, parseMappingText } from '../../../src/mapping/index.js';
import { shippedMappings } from './helpers.js';

const compile = (yaml: string) => compileMapping([parseMappingText('h.yaml', yaml).source!]);

describe('mapping hash', () => {
  const a =
    'system: jira\nkind: issue\ntarget: Change\nfields:\n  title:\n    from: fields.summary\n  key:\n    from: key\n';

  it('is stable across key order, comments and formatting', () => {
    const b =
      '# same mapping\nkind: issue\nsystem: jira\ntarget: Change\nfields:\n  key: { from: key }\n  title: { from: fields.summary }\n';
    expect(compile(a).hash).toMatch(/^[0-9a-f]{64}$/);
    expect(compile(b).hash).toBe(compile(a).hash);
  });

  it('ignores descriptions, which change no output', () => {
    const described = a.replace('fields:\n', 'description: titles only\nfields:\n');
    expect(compile(described).hash).toBe(compile(a).hash);
  });

  it('changes when a mapping changes, so sync resyncs', () => {
    expect(compile(a.replace('fields.summary', 'fields.description')).hash).not.toBe(
      compile(a).hash,
    );
  });

  it('differs between a default and its tenant override', () => {
    const set = shippedMappings();
    expect(set.get('servicenow', 'change_request', 'acme')!.hash).not.toBe(
      set.get('servicenow', 'change_request')!.hash,
    );
  });
});
