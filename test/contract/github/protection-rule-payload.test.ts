import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { parseGitHubEvent } from '../../../connectors/github/events.js';
import { SPEC } from './prism.js';
import { sampleFromSchema } from './schema-sample.js';

/**
 * The deployment_protection_rule payload: built from the `x-webhooks` schema of the shared
 * GitHub spec, validated against it with ajv, then parsed by the connector.
 */
type Schema = Record<string, unknown>;
const spec = JSON.parse(readFileSync(SPEC, 'utf8')) as Schema & { components: { schemas: Schema } };
const webhook = (
  spec['x-webhooks'] as Record<
    string,
    { post: { requestBody: { content: Record<string, { schema: Schema }> } } }
  >
)['deployment-protection-rule-requested']!;
const bodySchema = webhook.post.requestBody.content['application/json']!.schema;

function validator() {
  // OpenAPI 3.0 keywords (nullable, example, x-*) are not JSON Schema: non-strict mode.
  const ajv = new Ajv({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv) => Ajv)(ajv);
  ajv.addSchema({ components: spec.components }, 'spec');
  const rewrite = (s: unknown): unknown =>
    Array.isArray(s)
      ? s.map(rewrite)
      : s && typeof s === 'object'
        ? Object.fromEntries(
            Object.entries(s).map(([k, v]) => [
              k,
              k === '$ref' && typeof v === 'string' ? `spec${v}` : rewrite(v),
            ]),
          )
        : s;
  return ajv.compile(rewrite(bodySchema) as Schema);
}

describe('deployment_protection_rule payload from the spec’s x-webhooks schema', () => {
  const validate = validator();
  const base = sampleFromSchema(bodySchema, spec) as Record<string, unknown>;
  const payload = {
    ...base,
    action: 'requested',
    environment: 'production',
    event: 'push',
    sha: 'a'.repeat(40),
    ref: 'refs/heads/release/chg0030001',
    deployment_callback_url:
      'https://api.github.com/repos/octo-org/payments/actions/runs/1234/deployment_protection_rule',
    installation: { id: 42, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI=' },
    pull_requests: [],
  };

  it('the built payload is valid against the schema (and a broken one is not)', () => {
    expect(validate(payload)).toBe(true);
    expect(validate({ ...payload, action: 'approved' })).toBe(false);
    expect(validate({ ...payload, deployment_callback_url: 42 })).toBe(false);
  });

  it('parses into a protection-rule source event naming the run, environment and keys', () => {
    const parsed = parseGitHubEvent('deployment_protection_rule', payload);
    expect(parsed).toMatchObject({
      outcome: 'event',
      kind: 'deployment_protection_rule',
      event: 'deployment_protection_rule.requested',
      externalId: 'octo-org/payments/actions/runs/1234/production',
      record: {
        runId: 1234,
        environment: 'production',
        installationId: 42,
        linkedKeys: { changeKeys: ['CHG0030001'] },
      },
    });
  });
});
