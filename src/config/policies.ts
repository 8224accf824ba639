import { z } from 'zod';
import { SEVERITIES } from '../model/index.js';
import { calendarSchema } from '../policy/calendar.js';
import { ruleById, RULE_IDS } from '../policy/catalogue.js';
import { identifier, matching, text } from './schema-helpers.js';

/**
 * `policies:` (DESIGN §6): organisation facts the rules use, identity links, freeze
 * calendars and one rule set per tenant. Every rule's `params` is checked by the rule's
 * own schema here, so a typo fails at startup with the rule's name in the path.
 */

const IDENTITY = /^(servicenow:sys_user:[^\s]+|jira:[^\s]+|github:[^\s]+|gitlab:[^\s]+)$/;

const identityLink = z.strictObject({
  name: text("the person's display name"),
  email: z.string().email().optional(),
  ids: z
    .array(
      matching(
        IDENTITY,
        '"servicenow:sys_user:<sys_id>", "jira:<accountId>", "github:<login>" or "gitlab:<username>"',
      ),
    )
    .min(1),
});

const ruleEntry = z.strictObject({
  enabled: z.boolean().default(true),
  severity: z.enum(SEVERITIES).optional(),
  blocking: z.boolean().optional(),
  params: z.record(z.string(), z.unknown()).default({}),
});

const ruleSet = z.strictObject({
  version: text('a version label such as "2026-11" or "3"').default('1'),
  rules: z
    .record(z.string(), ruleEntry)
    .superRefine((rules, ctx) => {
      for (const [id, entry] of Object.entries(rules)) {
        const rule = ruleById(id);
        if (!rule) {
          ctx.addIssue({
            code: 'custom',
            path: [id],
            message: 'unknown rule',
            params: {
              problem: `names an unknown rule "${id}"`,
              expected: `one of ${RULE_IDS.join(', ')}`,
              subject: 'field',
            },
          });
          continue;
        }
        const parsed = rule.params.safeParse(entry.params);
        if (parsed.success) continue;
        for (const issue of parsed.error.issues) {
          ctx.addIssue({
            code: 'custom',
            path: [id, 'params', ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
            message: issue.message,
            params: { problem: `is invalid: ${issue.message}` },
          });
        }
      }
    })
    .default({}),
});

export const policiesSchema = z
  .strictObject({
    productionEnvironments: z
      .array(text('an environment name'))
      .min(1)
      .default(['production', 'prod']),
    protectedBranches: z
      .array(text('a branch name or pattern such as "release/*"'))
      .default(['main', 'master', 'release/*']),
    identities: z.array(identityLink).default([]),
    calendars: z.record(identifier(), calendarSchema).default({}),
    sets: z.record(identifier(), ruleSet).default({}),
    gates: z
      .strictObject({
        /** GitHub deployment protection rules and GitLab checks answered automatically. */
        enabled: z.boolean().default(true),
      })
      .prefault({}),
  })
  .superRefine((p, ctx) => {
    for (const [tenant, set] of Object.entries(p.sets)) {
      const names = set.rules['freeze-window']?.params.calendars;
      if (!Array.isArray(names)) continue;
      names.forEach((name, i) => {
        if (typeof name === 'string' && !(name in p.calendars))
          ctx.addIssue({
            code: 'custom',
            path: ['sets', tenant, 'rules', 'freeze-window', 'params', 'calendars', i],
            message: 'unknown calendar',
            params: {
              problem: `names calendar "${name}", which policies.calendars does not define`,
              expected: Object.keys(p.calendars).length
                ? `one of ${Object.keys(p.calendars).join(', ')}`
                : 'a calendar defined under policies.calendars',
            },
          });
      });
    }
    const seen = new Map<string, number>();
    p.identities.forEach((link, i) => {
      for (const id of link.ids) {
        const prev = seen.get(id);
        if (prev !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['identities', i, 'ids'],
            message: 'repeated identity',
            params: {
              problem: `repeats identity "${id}", already listed under identities[${prev}]`,
              expected: 'each identity under exactly one person',
            },
          });
        seen.set(id, i);
      }
    });
  })
  .prefault({});

export type PoliciesConfig = z.output<typeof policiesSchema>;
