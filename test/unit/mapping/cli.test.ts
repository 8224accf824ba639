import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { registerMappings } from '../../../src/cli/commands/mappings.js';
import { FIXTURES, ROOT, SHARED } from './helpers.js';

/** Runs `changebridge mappings …` through the real register function, output captured. */
async function cli(args: string[], cwd = ROOT): Promise<{ code: number; stdout: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  const program = new Command('changebridge').exitOverride();
  let pending: Promise<number> | undefined;
  registerMappings(program, { stdout, stderr, env: {}, cwd }, (fn) => {
    pending = fn();
  });
  await program.parseAsync(['node', 'changebridge', 'mappings', ...args]);
  const code = await pending!.catch((err: { exitCode?: number; message: string }) => {
    out += err.message;
    return err.exitCode ?? 70;
  });
  return { code, stdout: out };
}

describe('changebridge mappings', () => {
  it('validate: the shipped mappings are valid', async () => {
    const { code, stdout } = await cli(['validate']);
    expect(code).toBe(0);
    expect(stdout).toContain('9 mapping file(s) under mappings are valid');
    expect(stdout).toContain(
      'mappings/acme/servicenow.change_request.yaml  servicenow.change_request → Change',
    );
  });

  it('validate: a broken copy prints file:line:col and exits 1', async () => {
    const { code, stdout } = await cli(['validate', `${FIXTURES}broken/unknown-field`]);
    expect(code).toBe(1);
    expect(stdout).toContain(
      'test/fixtures/mapping/broken/unknown-field/jira.issue.yaml:9:3: fields.riks: "riks" is not a field of Change (did you mean "risk"?)',
    );
  });

  it('validate: an unreadable folder exits 78', async () => {
    const { code, stdout } = await cli(['validate', 'no/such/dir']);
    expect(code).toBe(78);
    expect(stdout).toMatch(/\[changebridge\/mapping\] cannot read mapping folder .*no\/such\/dir/);
  });

  it('preview: canonical result, write-back and unmapped fields', async () => {
    const { code, stdout } = await cli([
      'preview',
      '--mapping',
      'mappings/servicenow.change_request.yaml',
      '--record',
      `${SHARED}servicenow/change_request_get_sn_chg_rest_docs.json`,
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain('"key": "CHG0000024"');
    expect(stdout).toContain('title → short_description (authority: servicenow)');
    expect(stdout).toMatch(/source fields nothing maps \(\d+\):\n(.|\n)* {2}sys_updated_by/);
  });

  it('preview: a tenant override previews on top of its default', async () => {
    const { code, stdout } = await cli([
      'preview',
      '--json',
      '--mapping',
      'mappings/acme/servicenow.change_request.yaml',
      '--record',
      `${SHARED}servicenow/change_request_get_sn_chg_rest_docs.json`,
    ]);
    expect(code).toBe(0);
    const parsed = JSON.parse(stdout) as {
      canonical: Record<string, unknown>;
      mapping: { files: string[] };
    };
    expect(parsed.mapping.files).toEqual([
      'mappings/servicenow.change_request.yaml',
      'mappings/acme/servicenow.change_request.yaml',
    ]);
    expect(parsed.canonical.environment).toBe('production');
  });

  it('preview: a broken mapping copy prints its problems and exits 1', async () => {
    const { code, stdout } = await cli([
      'preview',
      '--mapping',
      `${FIXTURES}broken/bad-enum/jira.issue.yaml`,
      '--record',
      `${SHARED}jira/issue_created.json`,
    ]);
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /jira\.issue\.yaml:10:13: fields\.risk\.map\.High: "hgh" is not a canonical value/,
    );
  });

  it('preview: record problems exit 1, missing options exit 64', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cb-map-'));
    try {
      writeFileSync(join(dir, 'r.json'), JSON.stringify({ number: 'INC1' }));
      const bad = await cli(
        ['preview', '--mapping', `${ROOT}mappings/servicenow.incident.yaml`, '--record', 'r.json'],
        dir,
      );
      expect(bad.code).toBe(1);
      expect(bad.stdout).toContain('openedAt: is required but the record does not carry it');
      expect((await cli(['preview', '--mapping', 'x.yaml'], dir)).code).toBe(64);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
