import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from '../../../src/config/index.js';
import { problems, problemsOf, tempDir } from './helpers.js';

const fixture = (name: string) => readFileSync(resolve('test/fixtures/config', name), 'utf8');
const JIRA_TOKEN = { JIRA_API_TOKEN: 'jira-token-value-123' };
const CRON_EXPECTED =
  '(expected 5 fields "minute hour day-of-month month day-of-week" or 6 with seconds first, e.g. "*/5 * * * *")';

describe('config error messages', () => {
  it('names file, line, column, path, problem and expectation for a bad Jira URL', () => {
    const cwd = tempDir({ 'config/changebridge.yaml': fixture('bad-jira-url.yaml') });
    let error: unknown;
    try {
      loadConfig({ env: JIRA_TOKEN, cwd });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      '[changebridge/config] cannot load configuration, 1 problem:\n' +
        'config/changebridge.yaml:3:14: connections.jira.baseUrl: "jira" is not a URL (expected https://<site>.atlassian.net)',
    );
  });

  it('reports malformed YAML with the parser reason and position', () => {
    // Inline, not a fixture file: `prettier --check .` would fail on a malformed .yaml.
    expect(problems('server:\n  port: 8080\n host: 0.0.0.0\n')).toEqual([
      'config/changebridge.yaml:3:1: invalid YAML: All mapping items must start at the same column',
    ]);
  });

  it('reports an empty file (or one with only comments)', () => {
    const expected = [
      'config/changebridge.yaml: the file is empty (expected a mapping with keys such as database, server, connections; see config/changebridge.example.yaml)',
    ];
    expect(problems('')).toEqual(expected);
    expect(problems('# nothing yet\n')).toEqual(expected);
  });

  it('reports a top level that is not a mapping', () => {
    expect(problems('- database\n- server\n')).toEqual([
      'config/changebridge.yaml:1:1: the top level is a list, not a mapping (expected a mapping with keys such as database, server, connections; see config/changebridge.example.yaml)',
    ]);
    expect(problems('just text')[0]).toContain('the top level is a single value, not a mapping');
  });

  it('reports unknown keys with a suggestion, or the allowed keys when nothing is close', () => {
    expect(problems('server:\n  prot: 8080\n')).toEqual([
      'config/changebridge.yaml:2:3: server.prot: unknown key "prot" (did you mean `port`?)',
    ]);
    expect(problems('servr: {}\nconnections:\n  jira:\n    baseurl: x\n')).toContain(
      'config/changebridge.yaml:4:5: connections.jira.baseurl: unknown key "baseurl" (did you mean `baseUrl`?)',
    );
    expect(problems('servr: {}')).toEqual([
      'config/changebridge.yaml:1:1: servr: unknown key "servr" (did you mean `server`?)',
    ]);
    expect(problems('server:\n  zzzzzz: 1\n')).toEqual([
      'config/changebridge.yaml:2:3: server.zzzzzz: unknown key "zzzzzz" (expected one of: host, port, bodyLimitBytes)',
    ]);
  });

  it('suggests keys of the chosen auth type', () => {
    const yaml =
      'connections:\n  gitlab:\n    auth: { type: token, tokn: "${T}" }\n    projects: [a/b]\n';
    expect(problems(yaml, { T: 't' })).toEqual([
      'config/changebridge.yaml:3:5: connections.gitlab.auth.token is required (expected a ${NAME} environment reference)',
      'config/changebridge.yaml:3:26: connections.gitlab.auth.tokn: unknown key "tokn" (did you mean `token`?)',
    ]);
  });

  it('reports a wrong type', () => {
    expect(problems('server: { port: "abc" }')).toEqual([
      'config/changebridge.yaml:1:17: server.port: "abc" is not a number (expected a whole number from 1 to 65535)',
    ]);
    expect(problems('connections:\n  jira:\n    projects: OPS\n')).toContain(
      'config/changebridge.yaml:3:15: connections.jira.projects: "OPS" is not a list (expected a list of Jira project keys such as ["OPS"])',
    );
  });

  it('reports a value outside an enum', () => {
    expect(problems('logging:\n  format: yaml\n')).toEqual([
      'config/changebridge.yaml:2:11: logging.format: "yaml" is not one of the allowed values (expected one of: json, pretty)',
    ]);
  });

  it('reports bad cron expressions with the reason', () => {
    const yaml = [
      'schedules:',
      '  poll: "*/5 * * *"',
      '  reconcile: "61 * * * *"',
      '  retention: "5/10 * * * *"',
    ].join('\n');
    expect(problems(yaml)).toEqual([
      `config/changebridge.yaml:2:9: schedules.poll: "*/5 * * *" is not a valid cron expression: it has 4 fields ${CRON_EXPECTED}`,
      `config/changebridge.yaml:3:14: schedules.reconcile: "61 * * * *" is not a valid cron expression: minute "61" is not within 0-59 ${CRON_EXPECTED}`,
      `config/changebridge.yaml:4:14: schedules.retention: "5/10 * * * *" is not a valid cron expression: minute "5/10" needs "*" or a range before the step ("*/10" or "a-b/10") ${CRON_EXPECTED}`,
    ]);
  });

  it('reports a missing or empty environment variable, naming it and the path', () => {
    const yaml =
      'connections:\n  gitlab:\n    baseUrl: ${GL_URL}\n    auth: { type: token, token: "${GL_TOKEN}" }\n    projects: [a/b]\n';
    expect(problems(yaml, { GL_URL: '' })).toEqual([
      'config/changebridge.yaml:3:14: connections.gitlab.baseUrl: environment variable GL_URL is empty (set GL_URL in the environment changebridge runs in)',
      'config/changebridge.yaml:4:33: connections.gitlab.auth.token: environment variable GL_TOKEN is not set (set GL_TOKEN in the environment changebridge runs in)',
    ]);
  });

  it('refuses literal secrets without repeating them', () => {
    const yaml = [
      'database: { url: "mysql://cb:hunter2@db:3306/cb" }',
      'connections:',
      '  jira:',
      '    baseUrl: https://example.atlassian.net',
      '    auth: { type: basic, email: a@example.com, apiToken: ATATT3xFfGF0 }',
      '    webhook: { secrets: [s3cret-hook] }',
      '    projects: [OPS]',
      '  github:',
      '    auth: { type: app, appId: 1, privateKey: 12345 }',
      '    repositories: [a/b]',
    ].join('\n');
    const lines = problems(yaml);
    expect(lines).toEqual([
      'config/changebridge.yaml:1:18: database.url: secrets must be given as ${ENV_NAME} references, not literal values (set it in the environment and write "${DB_PASSWORD}")',
      'config/changebridge.yaml:5:58: connections.jira.auth.apiToken: secrets must be given as ${ENV_NAME} references, not literal values (set it in the environment and write "${JIRA_API_TOKEN}")',
      'config/changebridge.yaml:6:26: connections.jira.webhook.secrets[0]: secrets must be given as ${ENV_NAME} references, not literal values (set it in the environment and write "${JIRA_WEBHOOK_SECRET}")',
      'config/changebridge.yaml:9:46: connections.github.auth.privateKey: secrets must be given as ${ENV_NAME} references, not literal values (set it in the environment and write "${GITHUB_PRIVATE_KEY}")',
    ]);
    for (const secret of ['hunter2', 'ATATT3xFfGF0', 's3cret-hook', '12345']) {
      expect(lines.join('\n')).not.toContain(secret);
    }
  });

  it('reports a missing required field at its parent', () => {
    const yaml =
      'connections:\n  jira:\n    baseUrl: https://example.atlassian.net\n    projects: [OPS]\n';
    expect(problems(yaml)).toEqual([
      'config/changebridge.yaml:2:3: connections.jira.auth is required (expected {type: basic, email, apiToken} or {type: oauth, accessToken})',
    ]);
  });

  it('reports a missing or unknown auth type with the allowed ones', () => {
    const yaml = 'connections:\n  github:\n    auth: { token: "${T}" }\n    repositories: [a/b]\n';
    expect(problems(yaml, { T: 't' })).toEqual([
      'config/changebridge.yaml:3:5: connections.github.auth.type is required (expected one of: token, app)',
    ]);
    const bad = yaml.replace('{ token', '{ type: pat, token');
    expect(problems(bad, { T: 't' })).toEqual([
      'config/changebridge.yaml:3:19: connections.github.auth.type: "pat" is not one of the allowed values (expected one of: token, app)',
    ]);
  });

  it('reports grant-specific OAuth fields for ServiceNow', () => {
    const yaml = [
      'connections:',
      '  servicenow:',
      '    baseUrl: https://example.service-now.com',
      '    auth: { type: oauth, grantType: refresh_token, clientId: c, clientSecret: "${S}" }',
    ].join('\n');
    expect(problems(yaml, { S: 's' })).toEqual([
      'config/changebridge.yaml:4:5: connections.servicenow.auth.refreshToken is required when grantType is refresh_token',
    ]);
  });

  it('reports a database URL with an unsupported scheme, masking any password', () => {
    expect(problems('database: { url: "postgres://cb@db/cb" }')).toEqual([
      'config/changebridge.yaml:1:18: database.url: "postgres://cb@db/cb" has unsupported scheme "postgres:" (expected sqlite:<path> or mysql://user@host:port/db)',
    ]);
    expect(problems('database: { url: "mysql://cb:${P}@db:3306" }', { P: 'pw-value' })).toEqual([
      'config/changebridge.yaml:1:18: database.url: "mysql://cb:${P}@db:3306" has no database name (expected sqlite:<path> or mysql://user@host:port/db)',
    ]);
  });

  it('reports a port out of range', () => {
    expect(problems('server:\n  port: 70000\n')).toEqual([
      'config/changebridge.yaml:2:9: server.port: 70000 is out of range (expected a whole number from 1 to 65535)',
    ]);
  });

  it('lists every problem, in file order, in one error', () => {
    const yaml =
      'logging: { level: loud }\nserver: { port: 0, hots: x }\nschedules: { poll: "x" }\n';
    const lines = problems(yaml);
    expect(lines).toHaveLength(4);
    expect(lines.map((line) => line.split(': ')[1])).toEqual([
      'logging.level',
      'server.port',
      'server.hots',
      'schedules.poll',
    ]);
  });

  it('shows where an env-sourced value came from, and never a URL password', () => {
    const yaml =
      'connections:\n  servicenow:\n    baseUrl: ${SN_URL}\n    auth: { type: basic, username: u, password: "${P}" }\n';
    expect(problems(yaml, { SN_URL: 'https://bot:pa55@sn', P: 'x' })).toEqual([
      'config/changebridge.yaml:3:14: connections.servicenow.baseUrl: "https://bot:****@sn" (from "${SN_URL}") has credentials in it; put them under auth (expected https://<instance>.service-now.com)',
    ]);
  });

  it('never lets zod wording through', () => {
    const yaml = [
      'database: { url: 5, poolSize: [] }',
      'server: { host: "", port: null }',
      'http: { hosts: { "a b": { concurrency: x } } }',
      'connections: { jira: { projects: [], issueTypes: [1] }, github: 3 }',
      'tenants: { default: "a:b" }',
    ].join('\n');
    for (const line of problems(yaml)) {
      expect(line).not.toMatch(/Invalid input|expected string, received|Too small|Unrecognized/);
      expect(line).toMatch(/^config\/changebridge\.yaml(:\d+:\d+)?: /);
    }
  });

  it('can be tested without a file system', () => {
    const fs = { existsSync: () => true, readFileSync: () => 'server: { port: 1 }' };
    expect(loadConfig({ path: 'x.yaml', env: {}, cwd: '/', fs }).config.server.port).toBe(1);
    const unreadable = {
      existsSync: () => true,
      readFileSync: (): string => {
        throw new Error('EACCES: permission denied');
      },
    };
    expect(
      problemsOf(() => loadConfig({ path: 'x.yaml', env: {}, cwd: '/', fs: unreadable })),
    ).toEqual(['x.yaml: cannot read the file: EACCES: permission denied']);
  });
});
