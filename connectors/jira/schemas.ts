import { z } from 'zod';

/**
 * zod schemas for what Jira sends us (API responses and webhook bodies): the trust
 * boundary. Loose on purpose (`z.looseObject`): Jira adds fields; only what we read is checked.
 */

export const userSchema = z.looseObject({ accountId: z.string() }).nullable();

export const historySchema = z.looseObject({
  id: z.string(),
  created: z.string(),
  author: z.looseObject({ accountId: z.string().optional() }).optional(),
  items: z.array(z.looseObject({ field: z.string() })),
});
export type JiraHistory = z.infer<typeof historySchema>;

export const issueSchema = z.looseObject({
  id: z.string(),
  key: z.string(),
  self: z.string().optional(),
  fields: z.looseObject({ updated: z.string() }),
  changelog: z
    .looseObject({
      startAt: z.number().optional(),
      maxResults: z.number().optional(),
      total: z.number().optional(),
      histories: z.array(historySchema),
    })
    .optional(),
});
export type JiraIssue = z.infer<typeof issueSchema>;

export const searchResponseSchema = z.looseObject({
  issues: z.array(issueSchema),
  nextPageToken: z.string().optional().nullable(),
  isLast: z.boolean().optional(),
});

export const changelogPageSchema = z.looseObject({
  startAt: z.number(),
  maxResults: z.number(),
  total: z.number().optional(),
  isLast: z.boolean().optional(),
  values: z.array(historySchema),
});

export const transitionsSchema = z.looseObject({
  transitions: z.array(
    z.looseObject({
      id: z.string(),
      name: z.string(),
      to: z.looseObject({ id: z.string(), name: z.string() }),
    }),
  ),
});

export const commentSchema = z.looseObject({
  id: z.string(),
  body: z.unknown(),
  properties: z.array(z.looseObject({ key: z.string(), value: z.unknown() })).optional(),
});
export const commentPageSchema = z.looseObject({
  startAt: z.number(),
  maxResults: z.number(),
  total: z.number(),
  comments: z.array(commentSchema),
});

export const remoteLinkSchema = z.looseObject({
  id: z.number(),
  globalId: z.string().optional(),
  object: z.looseObject({ url: z.string(), title: z.string() }).optional(),
});

export const createdIssueSchema = z.looseObject({ id: z.string(), key: z.string() });

export const propertySchema = z.looseObject({ key: z.string(), value: z.unknown() });
