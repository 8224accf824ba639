import { join, resolve } from 'node:path';
import {
  ConfigError,
  EMBEDDED_DEFAULTS,
  HTTP_DEFAULTS,
  loadConfig,
  resolveConfigPath,
} from '../../../src/config/index.js';
import { load, problemsOf, tempDir } from './helpers.js';

const FIXTURES = resolve('test/fixtures/config');
const JIRA_ENV = { JIRA_API_TOKEN: 'jira-token-value-123' };

describe('resolveConfigPath', () => {
  it('prefers --config, then CHANGEBRIDGE_CONFIG, then config/changebridge.yaml', () => {
    const cwd = tempDir({ 'a.yaml': '{}', 'b.yaml': '{}', 'config/changebridge.yaml': '{}' });
    const env = { CHANGEBRIDGE_CONFIG: 'b.yaml' };
    expect(resolveConfigPath({ path: 'a.yaml', env, cwd })).toEqual({
      kind: 'file',
      path: join(cwd, 'a.yaml'),
      display: 'a.yaml',
      origin: 'argument',
    });
    expect(resolveConfigPath({ env, cwd })).toMatchObject({ display: 'b.yaml', origin: 'env' });
    expect(resolveConfigPath({ env: {}, cwd })).toMatchObject({
      display: 'config/changebridge.yaml',
      origin: 'default',
    });
  });

  it('falls back to the embedded defaults when no file is named or present', () => {
    expect(resolveConfigPath({ env: { CHANGEBRIDGE_CONFIG: '' }, cwd: tempDir() })).toEqual({
      kind: 'defaults',
    });
  });

  it('refuses an explicit path that does not exist, naming it and where it came from', () => {
    const cwd = tempDir();
    expect(problemsOf(() => loadConfig({ path: 'nope.yaml', env: {}, cwd }))).toEqual([
      'nope.yaml: file not found (expected an existing YAML file; the path came from --config)',
    ]);
    const env = { CHANGEBRIDGE_CONFIG: 'missing/cb.yaml' };
    expect(problemsOf(() => loadConfig({ env, cwd }))).toEqual([
      'missing/cb.yaml: file not found (expected an existing YAML file; the path came from CHANGEBRIDGE_CONFIG)',
    ]);
  });
});

describe('loadConfig', () => {
  it('runs on embedded defaults with no file at all', () => {
    const loaded = loadConfig({ env: {}, cwd: tempDir() });
    expect(loaded.source).toBe(EMBEDDED_DEFAULTS);
    expect(loaded.secrets).toEqual([]);
    expect(loaded.config).toEqual({
      database: {
        url: 'sqlite:./data/changebridge.db',
        busyTimeoutMs: 5000,
        poolSize: 10,
        connectTimeoutMs: 10000,
      },
      server: { host: '127.0.0.1', port: 8080, bodyLimitBytes: 1048576 },
      logging: { level: 'info', format: 'json' },
      http: { defaults: { ...HTTP_DEFAULTS }, hosts: {} },
      connections: {},
      linking: { changePrefixes: ['CHG'], changeDigits: 7, jiraProjects: [] },
      schedules: {
        poll: '*/5 * * * *',
        reconcile: '0 * * * *',
        retention: '0 3 * * *',
        policies: '*/15 * * * *',
      },
      tenants: { default: 'default' },
      sync: {
        mappingsDir: 'mappings',
        systemOfRecord: 'servicenow',
        processor: {
          batchSize: 100,
          concurrency: 4,
          leaseSeconds: 300,
          maxAttempts: 8,
          intervalMs: 500,
        },
        dispatcher: {
          batchSize: 20,
          concurrency: 4,
          leaseSeconds: 300,
          maxAttempts: 10,
          intervalMs: 1000,
        },
        jiraOnly: {
          enabled: true,
          issueTypes: ['Change'],
          projects: [],
          changeNumberField: 'customfield_10100',
          defaults: { type: 'normal' },
        },
        jiraWriteBack: {
          labels: true,
          property: true,
          comments: true,
          transitions: { approved: null, rejected: null },
        },
        retentionDays: 14,
      },
      policies: {
        productionEnvironments: ['production', 'prod'],
        protectedBranches: ['main', 'master', 'release/*'],
        identities: [],
        calendars: {},
        sets: {},
        gates: { enabled: true },
      },
      reports: {
        dir: './reports',
        schedule: '0 6 * * 1',
        periodDays: 7,
        formats: ['html', 'json'],
        tenant: null,
      },
    });
  });

  it('loads an explicit path and applies defaults inside a connection', () => {
    const loaded = loadConfig({
      path: join(FIXTURES, 'minimal-jira.yaml'),
      env: JIRA_ENV,
      cwd: '/',
    });
    expect(loaded.source).toBe(join(FIXTURES, 'minimal-jira.yaml'));
    expect(loaded.config.connections.jira).toEqual({
      name: 'jira',
      baseUrl: 'https://example.atlassian.net',
      auth: { type: 'basic', email: 'bot@example.com', apiToken: 'jira-token-value-123' },
      projects: ['OPS'],
      issueTypes: [],
      overlapSeconds: 120,
      timeZone: 'UTC',
      pageSize: 100,
      fields: [],
    });
    expect(loaded.config.server.port).toBe(8080);
    expect(loaded.secrets).toEqual(['jira-token-value-123']);
  });

  it('loads the file named by CHANGEBRIDGE_CONFIG relative to cwd', () => {
    const cwd = tempDir({ 'etc/cb.yaml': 'server: { port: 9090 }\n' });
    const loaded = loadConfig({ env: { CHANGEBRIDGE_CONFIG: 'etc/cb.yaml' }, cwd });
    expect(loaded.source).toBe('etc/cb.yaml');
    expect(loaded.config.server.port).toBe(9090);
  });

  it('finds config/changebridge.yaml under cwd', () => {
    const cwd = tempDir({ 'config/changebridge.yaml': 'logging: { level: debug }\n' });
    const loaded = loadConfig({ env: {}, cwd });
    expect(loaded.source).toBe('config/changebridge.yaml');
    expect(loaded.config.logging).toEqual({ level: 'debug', format: 'json' });
  });

  it('treats a section left empty (children commented out) as absent', () => {
    expect(load('server:\n  # port: 1\nconnections:\n').config.server.port).toBe(8080);
  });

  it('resolves ${NAME} in non-secret fields, on the value validation sees', () => {
    const loaded = load(
      [
        'server: { port: "${PORT}" }',
        'connections:',
        '  gitlab:',
        '    baseUrl: https://${GL_HOST}',
        '    auth: { type: token, token: "${GL_TOKEN}" }',
        '    projects: [acme/app]',
      ].join('\n'),
      { PORT: '9000', GL_HOST: 'gitlab.example.com/', GL_TOKEN: 'glpat-secret' },
    );
    expect(loaded.config.server.port).toBe(9000);
    // Trailing slashes are dropped so clients can append API paths.
    expect(loaded.config.connections.gitlab?.baseUrl).toBe('https://gitlab.example.com');
    expect(loaded.secrets).toEqual(['glpat-secret']);
  });

  it('collects every resolved secret, including the database password', () => {
    const loaded = load(
      [
        'database: { url: "mysql://cb:${DB_PASSWORD}@db.example.internal:3306/cb" }',
        'connections:',
        '  github:',
        '    auth: { type: app, appId: 1, privateKey: "${GH_KEY}" }',
        '    webhook: { secrets: ["${GH_HOOK_1}", "${GH_HOOK_2}"] }',
        '    repositories: [acme/app]',
      ].join('\n'),
      { DB_PASSWORD: 'p%40ss', GH_KEY: 'PEM', GH_HOOK_1: 'one', GH_HOOK_2: 'two' },
    );
    // The URL-encoded and the decoded password are both redacted: either may reach a log.
    expect([...loaded.secrets].sort()).toEqual(['PEM', 'one', 'p%40ss', 'p@ss', 'two']);
    expect(loaded.config.database.url).toBe('mysql://cb:p%40ss@db.example.internal:3306/cb');
  });

  it('keeps the file as read (before resolution) for display', () => {
    const loaded = load(
      'connections:\n  gitlab:\n    auth: { type: token, token: "${T}" }\n    projects: [a/b]\n',
      {
        T: 'tok',
      },
    );
    expect(loaded.raw).toEqual({
      connections: { gitlab: { auth: { type: 'token', token: '${T}' }, projects: ['a/b'] } },
    });
  });

  it('keeps per-host HTTP overrides beside the defaults', () => {
    const { config } = load('http:\n  hosts:\n    "127.0.0.1:4010": { concurrency: 1 }\n');
    expect(config.http.defaults).toEqual(HTTP_DEFAULTS);
    expect(config.http.hosts).toEqual({ '127.0.0.1:4010': { concurrency: 1 } });
  });

  it('throws a ConfigError with exit code 78 and a readable name', () => {
    const error = (() => {
      try {
        load('server: { port: 0 }');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ name: 'ConfigError', exitCode: 78 });
    expect((error as ConfigError).issues).toHaveLength(1);
  });
});

describe('allowMissingEnv (config check without secrets)', () => {
  const yaml = [
    'server: { port: "${PORT}" }',
    'connections:',
    '  jira:',
    '    baseUrl: ${JIRA_URL}',
    '    auth: { type: basic, email: bot@example.com, apiToken: "${JIRA_API_TOKEN}" }',
    '    projects: [OPS]',
  ].join('\n');

  it('turns missing variables into warnings and keeps the references as written', () => {
    const loaded = load(yaml, {}, true);
    expect(loaded.warnings.map((w) => w.path)).toEqual([
      'server.port',
      'connections.jira.baseUrl',
      'connections.jira.auth.apiToken',
    ]);
    expect(loaded.config.connections.jira?.baseUrl).toBe('${JIRA_URL}');
    expect(loaded.config.connections.jira?.auth).toMatchObject({ apiToken: '${JIRA_API_TOKEN}' });
    expect(loaded.config.server.port as unknown).toBe('${PORT}');
    expect(loaded.secrets).toEqual([]);
  });

  it('still reports real errors next to the warnings', () => {
    expect(problemsOf(() => load(`${yaml}\nlogging: { level: loud }`, {}, true))).toEqual([
      'config/changebridge.yaml:7:19: logging.level: "loud" is not one of the allowed values (expected one of: error, warn, info, debug)',
    ]);
  });

  it('checks the rest of a union whose discriminator is missing', () => {
    const auth = 'connections:\n  github:\n    auth: { type: "${AUTH}", token: "${T}" }\n';
    const loaded = load(`${auth}    repositories: [a/b]\n`, { T: 't' }, true);
    expect(loaded.config.connections.github?.auth).toEqual({ type: '${AUTH}', token: 't' });
  });

  it('says so when a field cannot be checked without its variable', () => {
    const yaml =
      'connections:\n  gitlab:\n    auth: { type: token, token: "${T}" }\n    projects: ${P}\n';
    expect(problemsOf(() => load(yaml, { T: 't' }, true))).toEqual([
      'config/changebridge.yaml:4:15: connections.gitlab.projects: cannot be checked while its environment variable is missing',
    ]);
  });

  it('without the option, the same missing variables are errors', () => {
    expect(problemsOf(() => load(yaml, {}))).toHaveLength(3);
  });
});
