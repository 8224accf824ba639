import { describeEffectiveConfig, maskConfig, MASK } from '../../../src/config/index.js';
import { load } from './helpers.js';

const SECRETS = {
  DB_PASSWORD: 'db-Pa55-word',
  SN_PASSWORD: 'sn-basic-pass',
  SN_HOOK: 'sn-hook-1',
  JIRA_API_TOKEN: 'ATATT-jira-token',
  JIRA_HOOK: 'jira-hook-secret',
  GH_KEY: '-----BEGIN PRIVATE KEY-----\nMIIEv\n-----END PRIVATE KEY-----',
  GH_HOOK: 'gh-hook-secret',
  GL_TOKEN: 'glpat-token',
  GL_HOOK: 'gl-hook-token',
  GL_SIGN: 'gl-signing-key',
};

const YAML = `
database:
  url: mysql://cb:\${DB_PASSWORD}@db.example.internal:3306/cb
connections:
  servicenow:
    baseUrl: https://example.service-now.com
    auth: { type: basic, username: bot, password: "\${SN_PASSWORD}" }
    webhook: { secrets: ["\${SN_HOOK}"] }
  jira:
    baseUrl: https://example.atlassian.net
    auth: { type: basic, email: bot@example.com, apiToken: "\${JIRA_API_TOKEN}" }
    webhook: { secrets: ["\${JIRA_HOOK}"] }
    projects: [OPS]
  github:
    auth: { type: app, appId: 42, privateKey: "\${GH_KEY}" }
    webhook: { secrets: ["\${GH_HOOK}"] }
    repositories: [acme/app]
  gitlab:
    auth: { type: token, token: "\${GL_TOKEN}" }
    webhook: { token: "\${GL_HOOK}", signingToken: "\${GL_SIGN}" }
    projects: [acme/app]
`;

describe('masking', () => {
  const loaded = load(YAML, SECRETS);

  it('collects every secret the file references', () => {
    expect([...loaded.secrets].sort()).toEqual(Object.values(SECRETS).sort());
  });

  it('shows each secret as its ${NAME} reference and masks the database password', () => {
    const masked = maskConfig(loaded.config, loaded.raw);
    expect(masked.database.url).toBe('mysql://cb:${DB_PASSWORD}@db.example.internal:3306/cb');
    expect(masked.connections.jira?.auth).toEqual({
      type: 'basic',
      email: 'bot@example.com',
      apiToken: '${JIRA_API_TOKEN}',
    });
    expect(masked.connections.gitlab?.webhook).toEqual({
      token: '${GL_HOOK}',
      signingToken: '${GL_SIGN}',
      toleranceSeconds: 300,
    });
    expect(masked.connections.github?.webhook?.secrets).toEqual(['${GH_HOOK}']);
    // Non-secrets pass through untouched.
    expect(masked.connections.github?.auth).toMatchObject({ appId: 42 });
  });

  it('never prints a resolved secret in the effective config', () => {
    const text = describeEffectiveConfig(loaded);
    expect(
      text.startsWith('# effective configuration from config/changebridge.yaml (secrets masked)\n'),
    ).toBe(true);
    for (const secret of loaded.secrets) expect(text).not.toContain(secret);
    expect(text).toContain('privateKey: ${GH_KEY}');
  });

  it('uses **** when no reference is known (config built in code) or the URL came whole from env', () => {
    const fromEnv = load('database: { url: "${DATABASE_URL}" }', {
      DATABASE_URL: 'mysql://cb:whole-url-pass@db:3306/cb',
    });
    expect(fromEnv.secrets).toEqual(['whole-url-pass']);
    const text = describeEffectiveConfig(fromEnv);
    expect(text).toContain(`url: mysql://cb:${MASK}@db:3306/cb`);
    expect(text).not.toContain('whole-url-pass');

    const masked = maskConfig(loaded.config, {});
    expect(masked.connections.jira?.auth).toMatchObject({ apiToken: MASK });
    expect(masked.database.url).toBe(`mysql://cb:${MASK}@db.example.internal:3306/cb`);
  });

  it('blanks a secret value reused in a non-secret field', () => {
    const reused = load(
      'tenants: { default: "${T}" }\nconnections:\n  gitlab:\n    auth: { type: token, token: "${T}" }\n    projects: [a/b]\n',
      { T: 'reused-secret' },
    );
    expect(describeEffectiveConfig(reused)).not.toContain('reused-secret');
  });
});
