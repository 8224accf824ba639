import { In, IsNull, Not, type EntityManager } from 'typeorm';
import { z } from 'zod';
import type { Change, SourceEvent } from '../model/index.js';
import type { GateVerdict } from '../policy/index.js';
import type { GateRequestRow, Store } from '../store/index.js';
import type { ApplyOutcome } from './apply-change.js';
import { PermanentEventError, type ApplyContext } from './context.js';
import { decideRequest } from './gate-decision.js';
import type { PolicyHook } from './policy-hook.js';
import { linksOfChange } from './tx-cache.js';

/**
 * Deployment gates (DESIGN §6, §8): a GitHub deployment protection rule run or a GitLab
 * external status check asks whether a commit may go ahead. The request is stored, decided
 * from the findings, and answered through the outbox once the decision is allow or deny;
 * while the change waits for its approval the request waits too, and is answered in the
 * transaction that records the approval.
 */
export const GATE_EVENT_KINDS = new Set(['deployment_protection_rule', 'external_status_check']);

const keysSchema = z.object({ changeKeys: z.array(z.string()), issueKeys: z.array(z.string()) });
const protectionSchema = z.object({
  record: z.object({
    repo: z.string().min(1),
    runId: z.number().int().positive(),
    environment: z.string().min(1),
    sha: z.string().min(1),
    installationId: z.number().int().nullable(),
    linkedKeys: keysSchema,
  }),
});
const statusCheckSchema = z.object({
  summary: z.object({
    project: z.string().min(1),
    iid: z.number().int().positive(),
    headSha: z.string().nullable(),
  }),
  keys: keysSchema,
  raw: z.object({ external_approval_rule: z.object({ id: z.number().int().positive() }) }),
});

/** Stores a gate request from its event; it is decided when the transaction plans. */
export async function recordGateRequest(
  ctx: ApplyContext,
  event: SourceEvent,
): Promise<ApplyOutcome> {
  if (!ctx.settings.gatesEnabled)
    return {
      outcome: 'ignored',
      reason: 'deployment gates are switched off (policies.gates.enabled: false)',
    };
  const row = requestRow(event, ctx.now);
  const prev = await ctx.m.getRepository('GateRequest').findOneBy({ id: row.id });
  if (prev) return { outcome: 'ignored', reason: `gate request ${row.id} is already recorded` };
  await ctx.m.getRepository('GateRequest').save(row);
  ctx.audit.push({
    actor: `${event.system}:${event.connection}`,
    action: 'gate.requested',
    subject: `${row.repo}@${row.sha.slice(0, 12)}/${row.environment}`,
    data: { request: row.id, kind: row.kind },
  });
  ctx.gateRequests.add(row.id);
  return { outcome: 'applied' };
}

function requestRow(event: SourceEvent, now: Date): GateRequestRow {
  const base = { connection: event.connection, answeredAt: null, requestedAt: now, updatedAt: now };
  if (event.system === 'github') {
    const p = protectionSchema.safeParse(event.payload);
    if (!p.success) throw invalid(event, p.error);
    const r = p.data.record;
    return {
      ...base,
      id: `github:${event.connection}:${r.repo}/actions/runs/${r.runId}/${r.environment}`,
      system: 'github',
      kind: 'protection_rule',
      repo: r.repo,
      sha: r.sha.toLowerCase(),
      environment: r.environment,
      target: `${r.repo}/actions/runs/${r.runId}`,
      details: { installationId: r.installationId },
      linkedKeys: [...r.linkedKeys.changeKeys, ...r.linkedKeys.issueKeys],
      decision: 'pending',
      changeKey: null,
      reasons: [],
    };
  }
  const p = statusCheckSchema.safeParse(event.payload);
  if (!p.success || !p.data.summary.headSha) throw invalid(event, p.error ?? null);
  const { summary, keys, raw } = p.data;
  const checkId = raw.external_approval_rule.id;
  return {
    ...base,
    id: `gitlab:${event.connection}:${summary.project}!${summary.iid}/status_checks/${checkId}@${summary.headSha}`,
    system: 'gitlab',
    kind: 'status_check',
    repo: summary.project,
    sha: summary.headSha!.toLowerCase(),
    environment: 'merge',
    target: `${summary.project}!${summary.iid}`,
    details: { iid: summary.iid, checkId },
    linkedKeys: [...keys.changeKeys, ...keys.issueKeys],
    decision: 'pending',
    changeKey: null,
    reasons: [],
  };
}

function invalid(event: SourceEvent, error: z.ZodError | null): PermanentEventError {
  const issue = error?.issues[0];
  return new PermanentEventError(
    `${event.system} ${event.kind} ${event.externalId ?? ''} cannot be read as a gate request: ${issue ? `${issue.path.join('.')} ${issue.message}` : 'the merge request has no head commit'}`,
  );
}

/**
 * Decides the unanswered requests that this transaction recorded or whose change it
 * touched, and enqueues the answers that are final (allow or deny).
 */
export async function planGateAnswers(
  ctx: ApplyContext,
  policy: PolicyHook,
  touched: readonly Change[],
): Promise<number> {
  const { m, store, now } = ctx;
  const repo = m.getRepository<GateRequestRow>('GateRequest');
  const open = await repo.find({ where: { answeredAt: IsNull() } });
  const keys = new Set(touched.map((c) => c.key));
  const due = open.filter(
    (r) =>
      ctx.gateRequests.has(r.id) ||
      (r.changeKey !== null && keys.has(r.changeKey)) ||
      r.linkedKeys.some((k) => keys.has(k)) ||
      r.changeKey === null,
  );
  // A newer request of the same MR and check still waiting supersedes the answered one.
  const waiting = new Set(open.map(checkKey));
  due.push(...(await answeredStatusChecks(ctx, touched)).filter((r) => !waiting.has(checkKey(r))));
  let enqueued = 0;
  for (const request of due) {
    const verdict = await decideRequest({ store, m, now, policy }, request);
    const reanswer = request.answeredAt !== null;
    // An answered status check is only answered again when its answer flips: a pending
    // verdict cannot be said to GitLab (passed|failed only), and an unchanged one was said.
    if (reanswer && (verdict.decision === 'pending' || verdict.decision === request.decision))
      continue;
    const answered = verdict.decision !== 'pending';
    const next: GateRequestRow = {
      ...request,
      decision: verdict.decision,
      changeKey: verdict.change,
      reasons: verdict.reasons,
      answeredAt: answered ? now : null,
      updatedAt: now,
    };
    const changed =
      next.decision !== request.decision ||
      next.changeKey !== request.changeKey ||
      JSON.stringify(next.reasons) !== JSON.stringify(request.reasons);
    if (!changed && !answered) continue;
    await repo.save(next);
    ctx.audit.push({
      actor: 'changebridge',
      action: answered ? 'gate.answered' : 'gate.pending',
      subject: `${request.repo}@${request.sha.slice(0, 12)}/${request.environment}`,
      data: {
        request: request.id,
        decision: verdict.decision,
        change: verdict.change,
        reasons: verdict.reasons,
      },
    });
    if (!answered) continue;
    const changeId = await changeIdOf(store, m, verdict.change);
    // A flip back to an earlier answer needs its own outbox key (deny → allow → deny).
    const cmd = answerCommand(next, verdict, changeId, reanswer ? request.answeredAt : null);
    if (await store.syncRows.enqueue(m, cmd, now)) enqueued += 1;
    if (!changeId || next.kind !== 'protection_rule') continue;
    // People who work only in Jira see the gate's answer on the change's issue (DESIGN §8).
    for (const link of await store.links.findByChange(changeId, m)) {
      if (link.system !== 'jira' || link.kind !== 'issue') continue;
      const comment = {
        idempotencyKey: `${cmd.idempotencyKey}|${link.recordId}`,
        changeId,
        targetSystem: 'jira',
        connection: link.connection,
        operation: 'jira.comment',
        target: link.externalKey ?? link.externalId,
        payload: { text: gateSentence(next, verdict) },
      };
      if (await store.syncRows.enqueue(m, comment, now)) enqueued += 1;
    }
  }
  return enqueued;
}

function gateSentence(r: GateRequestRow, v: GateVerdict): string {
  const what = `the ${r.environment} deployment of ${r.repo}@${r.sha.slice(0, 7)}`;
  if (v.decision === 'allow')
    return `changebridge approved ${what}: ${v.change} is approved and its window is open.`;
  return `changebridge rejected ${what}.\n\n${v.reasons.map((x) => `- ${x}`).join('\n')}`;
}

/**
 * GitLab status checks answered earlier on the merge requests of the changes this
 * transaction touched (found by the MR's link, so a check answered "no change is linked"
 * before the MR named its change is found too), the latest request of each MR and check
 * only: older heads cannot be answered any more. Unlike a GitHub protection rule run, which
 * is over once reviewed, a status check stays on the MR and GitLab takes a new response for
 * the same head at any time: a check failed while the change was not approved turns passed
 * when it is, without waiting for another push.
 */
async function answeredStatusChecks(
  ctx: ApplyContext,
  touched: readonly Change[],
): Promise<GateRequestRow[]> {
  const mrs = new Set<string>();
  for (const change of touched) {
    for (const l of await linksOfChange(ctx, change.id))
      if (l.system === 'gitlab' && l.kind === 'merge_request')
        mrs.add(`${l.connection}|${l.externalId}`);
  }
  if (mrs.size === 0) return [];
  const rows = await ctx.m.getRepository<GateRequestRow>('GateRequest').find({
    where: {
      kind: 'status_check',
      target: In([...mrs].map((k) => k.slice(k.indexOf('|') + 1))),
      answeredAt: Not(IsNull()),
    },
    order: { requestedAt: 'DESC', id: 'ASC' },
  });
  const latest = new Map<string, GateRequestRow>();
  for (const r of rows) {
    if (!mrs.has(`${r.connection}|${r.target}`)) continue;
    if (!latest.has(checkKey(r))) latest.set(checkKey(r), r);
  }
  return [...latest.values()];
}

const checkKey = (r: GateRequestRow) => `${r.connection}|${r.target}|${String(r.details.checkId)}`;

function answerCommand(
  r: GateRequestRow,
  v: GateVerdict,
  changeId: string | null,
  previousAnswerAt: Date | null,
) {
  const allow = v.decision === 'allow';
  const comment = allow
    ? `changebridge: ${v.change} is approved and covers ${r.environment} now.`
    : `changebridge: ${v.reasons.join(' ')}`.slice(0, 1000);
  const again = previousAnswerAt ? `|after:${previousAnswerAt.toISOString()}` : '';
  const common = {
    idempotencyKey: `gate|${r.id}|${v.decision}${again}`,
    changeId: changeId ?? '',
    targetSystem: r.system,
    connection: r.connection,
  };
  if (r.system === 'github') {
    const installationId = r.details.installationId;
    return {
      ...common,
      operation: 'github.deployment_review',
      target: r.target,
      payload: {
        environment: r.environment,
        state: allow ? 'approved' : 'rejected',
        comment,
        ...(typeof installationId === 'number' ? { installationId } : {}),
      },
    };
  }
  return {
    ...common,
    operation: 'gitlab.status_check_response',
    target: r.target,
    payload: {
      project: r.repo,
      iid: r.details.iid,
      sha: r.sha,
      checkId: r.details.checkId,
      status: allow ? 'passed' : 'failed',
    },
  };
}

async function changeIdOf(store: Store, m: EntityManager, key: string | null) {
  if (!key) return null;
  return (await store.changes.findByKey(key, m))?.id ?? null;
}
