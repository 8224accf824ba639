import type { DemoWorld } from './run-demo.js';
import { describeStory } from './story.js';

/** What the demo prints once the story has converged: what happened and where to look. */
export async function demoSummary(world: DemoWorld): Promise<string[]> {
  const { store, audit } = world.runtime.app;
  const db = store.db;
  const count = async (sql: string): Promise<number> => {
    const [row] = (await db.run((m) => m.query(sql))) as { n: number | string }[];
    return Number(row?.n ?? 0);
  };
  const changes = (await db.run((m) =>
    m.query('SELECT id, change_key AS k, title, state, approval FROM changes ORDER BY change_key'),
  )) as { id: string; k: string; title: string; state: string; approval: string }[];
  const writes = (await db.run((m) =>
    m.query(
      "SELECT operation, COUNT(*) AS n FROM outbox_commands WHERE status = 'done' GROUP BY operation ORDER BY operation",
    ),
  )) as { operation: string; n: number | string }[];
  const created = (await db.run((m) =>
    m.query(
      "SELECT result FROM outbox_commands WHERE operation = 'servicenow.create_change' AND status = 'done'",
    ),
  )) as { result: string }[];
  const open = (await db.run((m) =>
    m.query(
      "SELECT c.change_key AS k, f.policy, f.blocking, f.message FROM findings f JOIN changes c ON c.id = f.change_id WHERE f.status = 'open' AND f.policy <> 'sync-conflict' ORDER BY c.change_key, f.blocking DESC, f.policy",
    ),
  )) as { k: string; policy: string; blocking: number | boolean; message: string }[];
  const verified = await audit.verify();
  const lines: string[] = [
    '',
    'The story:',
    ...describeStory(world.facts).map((l) => `  ${l}`),
    '',
  ];
  lines.push(`Canonical changes (${changes.length}):`);
  for (const c of changes) {
    const links = await store.links.findByChange(c.id);
    const where = links.map((l) => `${l.system} ${l.externalKey ?? l.externalId}`).join(', ');
    lines.push(
      `  ${c.k.padEnd(11)} ${c.state.padEnd(9)} ${c.approval.padEnd(13)} ${c.title.slice(0, 48).padEnd(48)}  ↔ ${where}`,
    );
  }
  for (const row of created) {
    const r = JSON.parse(row.result) as { result?: { number?: string } };
    if (r.result?.number)
      lines.push(
        `Created for the Jira-only team: ${r.result.number} (from ${world.facts.jiraOnlyIssue.key})`,
      );
  }
  lines.push(`Open governance findings (${open.length}):`);
  for (const f of open)
    lines.push(
      `  ${f.k.padEnd(11)} ${(Number(f.blocking) ? 'BLOCKING ' : '') + f.policy}: ${f.message.slice(0, 110)}`,
    );
  const three = world.three;
  if (three) {
    const r = three.reconcile;
    const drift = r.findings.filter((f) => f.policy !== 'unauthorised-change');
    const unauthorised = r.findings.filter((f) => f.policy === 'unauthorised-change');
    lines.push(
      `Reconciliation: ${r.checked} changes checked, ${r.recordsRead} records read fresh with ${r.apiCalls} API calls; ${drift.length} drift, ${unauthorised.length} unauthorised:`,
    );
    for (const f of r.findings) lines.push(`  ${f.policy.padEnd(19)} ${f.message.slice(0, 120)}`);
  }
  lines.push(
    `Written back: ${writes.map((w) => `${w.operation} ×${Number(w.n)}`).join(', ') || 'nothing'}`,
    `Synced: ${await count("SELECT COUNT(*) AS n FROM inbox_events WHERE status = 'done'")} events applied; ` +
      `people ${await count('SELECT COUNT(*) AS n FROM people')}, approvals ${await count('SELECT COUNT(*) AS n FROM approvals')}, ` +
      `pull requests ${await count('SELECT COUNT(*) AS n FROM code_changes')}, deployments ${await count('SELECT COUNT(*) AS n FROM deployments')}`,
    `Conflicts recorded: ${await count("SELECT COUNT(*) AS n FROM findings WHERE policy = 'sync-conflict'")}; ` +
      `dead letters: ${await count('SELECT COUNT(*) AS n FROM dead_letters')}`,
    `Audit log: ${verified.checked} events, chain ${verified.ok ? 'verified' : `BROKEN at seq ${verified.firstBad?.seq}`}`,
    '',
    'Where to look:',
    `  API        ${world.daemon.url}/api/v1/changes/${world.facts.changes.postgresUpgrade.number}`,
    `  metrics    ${world.daemon.url}/metrics`,
    `  findings   CHANGEBRIDGE_DATABASE_URL=sqlite:${world.dbFile} npx changebridge findings list`,
    ...(world.three
      ? [
          `  report     ${world.three.report.path}`,
          `             sha256 ${world.three.report.sha256}; check it with: changebridge audit verify --report <file>`,
        ]
      : []),
    `  database   ${world.dbFile}`,
    `  log        ${world.logFile}`,
    `  simulators ServiceNow ${world.servicenow.url}  Jira ${world.jira.url}  GitHub ${world.github.url}`,
  );
  return lines;
}
