import { z } from 'zod';
import { DEFAULT_HTTP_SETTINGS } from '../runtime/http-settings.js';
import { connectionSchemas } from './connections.js';
import { policiesSchema } from './policies.js';
import { reportsSchema } from './reports.js';
import { DATABASE_URL_EXPECTED, databaseUrlProblem } from './database-url.js';
import { cron, expectedHints, fail, identifier, int, matching, text } from './schema-helpers.js';

// Every object is strict: a misspelt key is an error with a suggestion, never silently ignored.

const databaseSchema = z
  .strictObject({
    url: z
      .string()
      .superRefine((value, ctx) => {
        const problem = databaseUrlProblem(value);
        if (problem) fail(ctx, problem, DATABASE_URL_EXPECTED);
      })
      .register(expectedHints, { expected: DATABASE_URL_EXPECTED })
      .default('sqlite:./data/changebridge.db'),
    busyTimeoutMs: int(0, 600_000).default(5000),
    poolSize: int(1, 1000).default(10),
    connectTimeoutMs: int(100, 600_000).default(10_000),
  })
  .prefault({});

const serverSchema = z
  .strictObject({
    host: text('a host name or IP address to listen on').default('127.0.0.1'),
    port: int(1, 65_535).default(8080),
    bodyLimitBytes: int(1024, 100 * 1024 * 1024).default(1_048_576),
  })
  .prefault({});

const loggingSchema = z
  .strictObject({
    level: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
    format: z.enum(['json', 'pretty']).default('json'),
  })
  .prefault({});

/** Per-host limits for the HTTP layer (DESIGN §5): one p-queue and retry policy per host. */
const httpLimitFields = {
  concurrency: int(1, 1000),
  intervalCap: int(1, 100_000),
  intervalMs: int(1, 3_600_000),
  timeoutMs: int(100, 600_000),
  maxRetries: int(0, 100),
  baseBackoffMs: int(0, 3_600_000),
  maxBackoffMs: int(0, 3_600_000),
  maxWaitMs: int(0, 86_400_000),
};
/**
 * The runtime's own numeric defaults, so config and HTTP layer can never disagree. Per-host
 * resolution (host overrides over defaults) is the runtime's job: `settingsFor(host)`.
 */
const { jitter: _jitter, ...numericDefaults } = DEFAULT_HTTP_SETTINGS;
export const HTTP_DEFAULTS = Object.freeze(numericDefaults);

const HOST_KEY = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:\d{1,5})?$/;

const httpSchema = z
  .strictObject({
    defaults: z
      .strictObject({
        concurrency: httpLimitFields.concurrency.default(HTTP_DEFAULTS.concurrency),
        intervalCap: httpLimitFields.intervalCap.default(HTTP_DEFAULTS.intervalCap),
        intervalMs: httpLimitFields.intervalMs.default(HTTP_DEFAULTS.intervalMs),
        timeoutMs: httpLimitFields.timeoutMs.default(HTTP_DEFAULTS.timeoutMs),
        maxRetries: httpLimitFields.maxRetries.default(HTTP_DEFAULTS.maxRetries),
        baseBackoffMs: httpLimitFields.baseBackoffMs.default(HTTP_DEFAULTS.baseBackoffMs),
        maxBackoffMs: httpLimitFields.maxBackoffMs.default(HTTP_DEFAULTS.maxBackoffMs),
        maxWaitMs: httpLimitFields.maxWaitMs.default(HTTP_DEFAULTS.maxWaitMs),
      })
      .prefault({}),
    hosts: z
      .record(z.string(), z.strictObject(httpLimitFields).partial())
      .superRefine((hosts, ctx) => {
        for (const host of Object.keys(hosts)) {
          if (!HOST_KEY.test(host)) {
            ctx.addIssue({
              code: 'custom',
              path: [host],
              message: 'bad host',
              params: {
                problem: `has an invalid host name "${host}"`,
                expected: 'a host name such as "acme.atlassian.net" or "127.0.0.1:4010"',
                subject: 'field',
              },
            });
          }
        }
      })
      .default({}),
  })
  .prefault({});

const connectionsSchema = z
  .strictObject({
    servicenow: connectionSchemas.servicenow.optional(),
    jira: connectionSchemas.jira.optional(),
    github: connectionSchemas.github.optional(),
    gitlab: connectionSchemas.gitlab.optional(),
  })
  .prefault({});

const schedulesSchema = z
  .strictObject({
    poll: cron().default('*/5 * * * *'),
    reconcile: cron().default('0 * * * *'),
    retention: cron().default('0 3 * * *'),
    /** Re-evaluates policies whose outcome moves with time (SLAs, expiries, reviews). */
    policies: cron().default('*/15 * * * *'),
  })
  .prefault({});

// How change numbers and Jira keys are recognised in PR titles, branches and bodies.
const linkingSchema = z
  .strictObject({
    changePrefixes: z
      .array(matching(/^[A-Z]{2,10}$/, 'upper-case letters such as "CHG"'))
      .min(1)
      .default(['CHG']),
    changeDigits: int(3, 12).default(7),
    jiraProjects: z
      .array(matching(/^[A-Z][A-Z0-9_]+$/, 'a Jira project key such as "OPS"'))
      .default([]),
  })
  .prefault({});

// The daemon's workers (DESIGN §2, §5): inbox processor, outbox dispatcher, write-back.
const workerFields = (batch: number, attempts: number, interval: number) => ({
  batchSize: int(1, 1000).default(batch),
  concurrency: int(1, 64).default(4),
  leaseSeconds: int(5, 86_400).default(300),
  maxAttempts: int(1, 100).default(attempts),
  intervalMs: int(10, 600_000).default(interval),
});

const syncSchema = z
  .strictObject({
    mappingsDir: text('a folder of mapping files').default('mappings'),
    systemOfRecord: z.enum(['servicenow', 'jira']).default('servicenow'),
    processor: z.strictObject(workerFields(100, 8, 500)).prefault({}),
    dispatcher: z.strictObject(workerFields(20, 10, 1000)).prefault({}),
    jiraOnly: z
      .strictObject({
        enabled: z.boolean().default(true),
        issueTypes: z.array(text('a Jira issue type name')).default(['Change']),
        projects: z
          .array(matching(/^[A-Z][A-Z0-9_]+$/, 'a Jira project key such as "PAY"'))
          .default([]),
        changeNumberField: matching(
          /^(customfield_\d+|[a-z][a-zA-Z0-9_]*)$/,
          'a Jira field id such as customfield_10100',
        ).default('customfield_10100'),
        defaults: z
          .record(matching(/^[a-z][a-z0-9_]*$/, 'a ServiceNow column name'), z.string())
          .default({ type: 'normal' }),
      })
      .prefault({}),
    jiraWriteBack: z
      .strictObject({
        labels: z.boolean().default(true),
        property: z.boolean().default(true),
        comments: z.boolean().default(true),
        transitions: z
          .strictObject({
            approved: text('a Jira status name').nullable().default(null),
            rejected: text('a Jira status name').nullable().default(null),
          })
          .prefault({}),
      })
      .prefault({}),
    retentionDays: int(1, 3650).default(14),
  })
  .prefault({});

const tenantsSchema = z.strictObject({ default: identifier().default('default') }).prefault({});

export const configSchema = z.strictObject({
  database: databaseSchema,
  server: serverSchema,
  logging: loggingSchema,
  http: httpSchema,
  connections: connectionsSchema,
  linking: linkingSchema,
  schedules: schedulesSchema,
  tenants: tenantsSchema,
  sync: syncSchema,
  policies: policiesSchema,
  reports: reportsSchema,
});

export type Config = z.output<typeof configSchema>;
export type DatabaseConfig = Config['database'];
export type ServerConfig = Config['server'];
export type LoggingConfig = Config['logging'];
export type HttpLimits = Config['http']['defaults'];
export type ConnectionsConfig = Config['connections'];
export type SchedulesConfig = Config['schedules'];
export type SyncConfig = Config['sync'];
export type { PoliciesConfig } from './policies.js';
export type ServiceNowConnection = NonNullable<ConnectionsConfig['servicenow']>;
export type JiraConnection = NonNullable<ConnectionsConfig['jira']>;
export type GitHubConnection = NonNullable<ConnectionsConfig['github']>;
export type GitLabConnection = NonNullable<ConnectionsConfig['gitlab']>;
