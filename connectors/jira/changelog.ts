import type { JiraClient } from './client.js';
import type { JiraIssue } from './schemas.js';

/**
 * Search returns at most 20 changelog entries per issue (API-NOTES): when an issue has
 * more, page `GET /rest/api/3/issue/{key}/changelog` for all of them, so a polled or
 * reconciled issue carries its whole history whichever way it was read.
 */
export async function withFullChangelog(client: JiraClient, issue: JiraIssue): Promise<JiraIssue> {
  const cl = issue.changelog;
  if (!cl || cl.total === undefined || cl.total <= cl.histories.length) return issue;
  const histories = [];
  for (let startAt = 0; ;) {
    const page = await client.getChangelog(issue.key, startAt, 100);
    histories.push(...page.values);
    startAt = page.startAt + page.values.length;
    if (
      page.isLast === true ||
      page.values.length === 0 ||
      (page.total !== undefined && startAt >= page.total)
    )
      break;
  }
  return {
    ...issue,
    changelog: { startAt: 0, maxResults: histories.length, total: histories.length, histories },
  };
}
