import { join } from 'node:path';
import { collectReport } from '../report/collect.js';
import { reportSettings } from '../report/options.js';
import { writeReport } from '../report/write-report.js';
import type { ReconcileSummary } from '../sync/index.js';
import type { DemoWorld } from './run-demo.js';

/**
 * Act three, the auditor's view (issue: reconciliation and reports): someone deletes the
 * emergency change's Jira issue — Jira says so, but a delete changes nothing in the other
 * systems, so the link is left pointing at nothing — then a reconciliation run compares
 * every linked change with what each system says now, and the auditor's report for the
 * last 30 days is written beside the demo database.
 */
export interface ActThree {
  deletedIssue: string;
  reconcile: ReconcileSummary;
  report: { path: string; sha256: string };
}

export async function actThreeDrift(world: DemoWorld): Promise<string> {
  const key = world.facts.changes.checkoutRollback.jiraIssueKey!;
  const issue = world.jira.state.find(key);
  if (issue) world.jira.state.deleteIssue(issue, world.facts.people[0]?.jira.accountId ?? 'admin');
  return key;
}

export async function actThreeAudit(
  world: DemoWorld,
  deletedIssue: string,
  dir: string,
): Promise<ActThree> {
  const { runtime } = world;
  const reconcile = await runtime.reconcile();
  const now = runtime.app.clock.now();
  const config = runtime.loaded.config;
  const data = await collectReport(runtime.app.store, {
    from: new Date(now.getTime() - 30 * 86_400_000),
    to: now,
    tenant: null,
    now,
    ...reportSettings(config, null),
  });
  const written = await writeReport(data, 'html', join(dir, 'changebridge-report.html'));
  return { deletedIssue, reconcile, report: { path: written.path, sha256: written.sha256 } };
}
