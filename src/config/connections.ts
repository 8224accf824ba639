import { z } from 'zod';
import {
  expectedHints,
  httpUrl,
  identifier,
  int,
  list,
  matching,
  secret,
  text,
  timeZone,
  isoDate,
} from './schema-helpers.js';

/**
 * One block per outside system. `name` defaults to the system name and becomes the
 * `<connection>` segment of record ids (`jira:issue:<name>:OPS-1`), so renaming it later
 * orphans every stored record: pick it once.
 */
const named = (system: string) => identifier().default(system);

const secretList = () => list(secret(), 'a list of ${NAME} environment references');

const serviceNowAuth = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('basic'), username: text(), password: secret() }),
  z
    .strictObject({
      type: z.literal('oauth'),
      grantType: z.enum(['password', 'client_credentials', 'refresh_token']),
      clientId: text(),
      clientSecret: secret(),
      username: text().optional(),
      password: secret().optional(),
      refreshToken: secret().optional(),
    })
    .superRefine((auth, ctx) => {
      // ServiceNow's /oauth_token.do needs different form fields per grant type.
      const needs: Record<string, readonly ('username' | 'password' | 'refreshToken')[]> = {
        password: ['username', 'password'],
        refresh_token: ['refreshToken'],
      };
      for (const field of needs[auth.grantType] ?? []) {
        if (auth[field] === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [field],
            message: 'required',
            params: {
              problem: `is required when grantType is ${auth.grantType}`,
              subject: 'field',
            },
          });
        }
      }
    }),
]);

const servicenow = z.strictObject({
  name: named('servicenow'),
  baseUrl: httpUrl('https://<instance>.service-now.com'),
  auth: serviceNowAuth.register(expectedHints, {
    expected:
      '{type: basic, username, password} or {type: oauth, grantType, clientId, clientSecret}',
  }),
  // ServiceNow has no signed webhooks: a business rule posts a shared secret in a header.
  webhook: z
    .strictObject({
      header: matching(/^[A-Za-z0-9-]+$/, 'an HTTP header name').default('X-Changebridge-Secret'),
      secrets: secretList(),
    })
    .optional(),
  pageSize: int(1, 10_000).default(1000),
  overlapSeconds: int(0, 86_400).default(60),
  correlationField: matching(
    /^[a-z][a-z0-9_]*$/,
    'a ServiceNow column name such as correlation_id',
  ).default('correlation_id'),
  // Where a stream with no cursor starts reading (sys_updated_on, UTC).
  startFrom: matching(
    /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/,
    'YYYY-MM-DD HH:mm:ss (UTC)',
  ).optional(),
});

const jiraAuth = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('basic'),
    email: matching(/^[^@\s]+@[^@\s]+$/, 'the e-mail address of the Atlassian account'),
    apiToken: secret(),
  }),
  z.strictObject({ type: z.literal('oauth'), accessToken: secret() }),
]);

const jira = z.strictObject({
  name: named('jira'),
  baseUrl: httpUrl('https://<site>.atlassian.net'),
  auth: jiraAuth.register(expectedHints, {
    expected: '{type: basic, email, apiToken} or {type: oauth, accessToken}',
  }),
  webhook: z.strictObject({ secrets: secretList() }).optional(),
  // Jira rejects unbounded JQL, so polling is always scoped to named projects.
  projects: list(
    matching(/^[A-Z][A-Z0-9_]+$/, 'a Jira project key such as "OPS"'),
    'a list of Jira project keys such as ["OPS"]',
  ),
  issueTypes: z.array(text('an issue type name such as "Change"')).default([]),
  // JQL compares at minute precision in the account's time zone: overlap generously.
  overlapSeconds: int(0, 86_400).default(120),
  timeZone: timeZone().default('UTC'),
  pageSize: int(1, 100).default(100),
  // Fields read on every issue beyond the defaults, e.g. the change-number custom field.
  fields: z.array(text('a Jira field id such as "customfield_10100"')).default([]),
  startFrom: isoDate().optional(),
});

const githubAuth = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('token'), token: secret() }),
  z.strictObject({
    type: z.literal('app'),
    appId: int(1),
    privateKey: secret(),
    installationId: int(1).optional(),
  }),
]);

const github = z.strictObject({
  name: named('github'),
  apiUrl: httpUrl('https://api.github.com or https://<host>/api/v3').default(
    'https://api.github.com',
  ),
  auth: githubAuth.register(expectedHints, {
    expected: '{type: token, token} or {type: app, appId, privateKey}',
  }),
  webhook: z.strictObject({ secrets: secretList() }).optional(),
  repositories: list(
    matching(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'owner/repo'),
    'a list of repositories such as ["acme/payments"]',
  ),
  overlapSeconds: int(0, 86_400).default(120),
  initialLookbackDays: int(0, 3650).default(30),
  // Deployments cannot be listed by update time: scan ones created this long before the cursor.
  deploymentLookbackDays: int(0, 3650).default(14),
  statusContext: text('a commit status context').default('changebridge/governance'),
  detailsUrl: httpUrl('https://changebridge.example.com/...').optional(),
});

const gitlab = z.strictObject({
  name: named('gitlab'),
  baseUrl: httpUrl('https://gitlab.com or https://<your-gitlab-host>').default(
    'https://gitlab.com',
  ),
  auth: z
    .discriminatedUnion('type', [z.strictObject({ type: z.literal('token'), token: secret() })])
    .register(expectedHints, { expected: '{type: token, token}' }),
  // X-Gitlab-Token (plain shared secret) and/or Standard-Webhooks signing (newer instances).
  webhook: z
    .strictObject({
      token: secret().optional(),
      signingToken: secret().optional(),
      // X-GitLab-Signature HMAC of external status check requests.
      statusCheckSecret: secret().optional(),
      toleranceSeconds: int(1, 3600).default(300),
    })
    .superRefine((hook, ctx) => {
      if (!hook.token && !hook.signingToken && !hook.statusCheckSecret) {
        ctx.addIssue({
          code: 'custom',
          message: 'empty',
          params: { problem: 'needs token, signingToken or statusCheckSecret', subject: 'field' },
        });
      }
    })
    .optional(),
  projects: list(
    matching(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)+$/, 'group/project'),
    'a list of project paths such as ["acme/payments"]',
  ),
  overlapSeconds: int(0, 86_400).default(120),
  initialLookbackDays: int(0, 3650).default(30),
  pageSize: int(1, 100).default(100),
  statusName: text('a commit status name').default('changebridge/governance'),
});

export const connectionSchemas = { servicenow, jira, github, gitlab };
