import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { configSchema, describeEffectiveConfig, loadConfig } from '../../../src/config/index.js';

const EXAMPLE = 'config/changebridge.example.yaml';
const cwd = resolve('.');
const text = readFileSync(resolve(EXAMPLE), 'utf8');
const referenced = [
  ...new Set([...text.matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((m) => m[1] as string)),
];

/** Every key name the schema knows, through wrappers, unions, records and lists. */
function schemaKeys(schema: z.core.$ZodType, into = new Set<string>()): Set<string> {
  if (schema instanceof z.ZodObject) {
    for (const [key, child] of Object.entries(schema.shape as Record<string, z.core.$ZodType>)) {
      into.add(key);
      schemaKeys(child, into);
    }
  } else if (schema instanceof z.ZodUnion) {
    for (const option of schema.options) schemaKeys(option, into);
  } else if (schema instanceof z.ZodPipe) {
    schemaKeys(schema.in, into);
    schemaKeys(schema.out, into);
  } else if (schema instanceof z.ZodRecord) {
    schemaKeys(schema.valueType, into);
  } else if (schema instanceof z.ZodArray) {
    schemaKeys(schema.element, into);
  } else if (
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodPrefault ||
    schema instanceof z.ZodOptional
  ) {
    schemaKeys(schema.unwrap(), into);
  }
  return into;
}

describe(EXAMPLE, () => {
  it('validates when the variables it references are set', () => {
    const env = Object.fromEntries(referenced.map((name) => [name, `value-of-${name}`]));
    const loaded = loadConfig({ path: EXAMPLE, env, cwd });
    expect(loaded.warnings).toEqual([]);
    expect(Object.keys(loaded.config.connections).sort()).toEqual([
      'github',
      'gitlab',
      'jira',
      'servicenow',
    ]);
    // Every active reference sits in a secret field.
    expect(loaded.secrets).toHaveLength(8);
    const shown = describeEffectiveConfig(loaded);
    for (const secret of loaded.secrets) expect(shown).not.toContain(secret);
  });

  it('validates in CI without any secrets (allowMissingEnv), listing what is missing', () => {
    const loaded = loadConfig({ path: EXAMPLE, env: {}, cwd, allowMissingEnv: true });
    expect(loaded.warnings.map((w) => w.message.split(':')[0])).toEqual([
      'connections.servicenow.auth.password',
      'connections.servicenow.webhook.secrets[0]',
      'connections.jira.auth.apiToken',
      'connections.jira.webhook.secrets[0]',
      'connections.github.auth.privateKey',
      'connections.github.webhook.secrets[0]',
      'connections.gitlab.auth.token',
      'connections.gitlab.webhook.token',
    ]);
    expect(loaded.config.connections.jira?.baseUrl).toBe('https://example.atlassian.net');
  });

  it('documents every key the schema knows', () => {
    const missing = [...schemaKeys(configSchema)].filter(
      (key) => !new RegExp(`^\\s*#?\\s*${key}:`, 'm').test(text),
    );
    expect(missing).toEqual([]);
  });

  it('uses only non-routable example hosts', () => {
    const hosts = [...text.matchAll(/https?:\/\/([A-Za-z0-9.-]+)/g)].map((m) =>
      (m[1] as string).replace(/\.$/, ''),
    );
    for (const host of hosts) {
      expect(host).toMatch(
        /(^|\.)example\.(com|internal)$|^example\.|^api\.github\.com$|^gitlab\.com$/,
      );
    }
  });
});
