import { canonicalJson, type Change, type Link } from '../model/index.js';
import type { ChangeView, Discrepancy, FreshRecord } from './types.js';

/**
 * Drift of one linked change (DESIGN §7): orphans, mirrored field drift, state drift and
 * approval drift between the canonical record and each linked record read fresh. Pure.
 */
const SYSTEM_NAMES: Record<string, string> = {
  servicenow: 'ServiceNow',
  jira: 'Jira',
  github: 'GitHub',
  gitlab: 'GitLab',
};
const KIND_NAMES: Record<string, string> = {
  change_request: 'change request',
  issue: 'issue',
  pull_request: 'pull request',
  merge_request: 'merge request',
  deployment: 'deployment',
  incident: 'incident',
};
const STATE_WORDS: Record<string, string> = {
  new: 'new',
  assess: 'being assessed',
  authorize: 'waiting for authorisation',
  scheduled: 'scheduled',
  implement: 'being implemented',
  review: 'in review',
  closed: 'closed',
  canceled: 'canceled',
};
const ACTIVE_STATES = new Set(['new', 'assess', 'authorize', 'scheduled', 'implement']);
const JIRA_KEY = /^[A-Z][A-Z0-9_]+-\d+$/;

export function compareChange(view: ChangeView): Discrepancy[] {
  const { change } = view;
  const out: Discrepancy[] = [];
  const push = (d: Omit<Discrepancy, 'changeId' | 'subject'>) =>
    out.push({ ...d, changeId: change.id, subject: change.key });

  for (const link of view.links) {
    if (!view.fresh.has(link.recordId)) continue; // not read (no bulk reader for it)
    const fresh = view.fresh.get(link.recordId) ?? null;
    if (fresh === null) {
      push({
        policy: 'drift-orphan',
        discriminator: `gone:${link.recordId}`,
        severity: link.kind === 'change_request' ? 'high' : 'medium',
        message: `The ${describe(link)} linked to ${change.key} no longer exists or is no longer visible to changebridge.`,
        evidence: { record: link.recordId, key: link.externalKey, url: link.url },
        correction: null,
      });
      continue;
    }
    out.push(...fieldDrift(change, link, fresh));
    out.push(...stateDrift(change, link, fresh));
    out.push(...approvalDrift(view, link, fresh));
  }
  out.push(...missingCounterparts(view));
  return out;
}

function fieldDrift(change: Change, link: Link, fresh: FreshRecord): Discrepancy[] {
  const out: Discrepancy[] = [];
  const values = change as unknown as Record<string, unknown>;
  for (const field of fresh.mirrored) {
    if (!(field.name in fresh.values)) continue;
    const shown = fresh.values[field.name];
    const canonical = values[field.name];
    if (same(shown, canonical)) continue;
    const recordWins = field.authority === fresh.system;
    out.push({
      policy: 'drift-field',
      changeId: change.id,
      subject: change.key,
      discriminator: `field:${link.recordId}:${field.name}`,
      severity: 'medium',
      message: `${describe(link)} shows a different ${words(field.name)} than ${change.key}: "${short(shown)}" instead of "${short(canonical)}".`,
      evidence: {
        record: link.recordId,
        key: link.externalKey,
        field: field.name,
        recordValue: json(shown),
        canonicalValue: json(canonical),
        authority: field.authority,
      },
      correction: recordWins
        ? { kind: 'reapply', recordId: link.recordId }
        : { kind: 'rewrite', recordId: link.recordId, aspect: 'fields' },
    });
  }
  if (
    link.system === 'jira' &&
    fresh.facts.changeNumber !== undefined &&
    !JIRA_KEY.test(change.key) && // the change has its ServiceNow number by now
    fresh.facts.changeNumber !== change.key
  ) {
    out.push({
      policy: 'drift-field',
      changeId: change.id,
      subject: change.key,
      discriminator: `number:${link.recordId}`,
      severity: 'medium',
      message: `${describe(link)} names change ${fresh.facts.changeNumber ?? '(none)'} but is linked to ${change.key}.`,
      evidence: {
        record: link.recordId,
        key: link.externalKey,
        field: 'changeNumber',
        recordValue: fresh.facts.changeNumber ?? null,
        canonicalValue: change.key,
      },
      correction: { kind: 'rewrite', recordId: link.recordId, aspect: 'number' },
    });
  }
  return out;
}

function stateDrift(change: Change, link: Link, fresh: FreshRecord): Discrepancy[] {
  const category = fresh.facts.statusCategory;
  if (link.system === 'jira' && category) {
    const jiraDone = category === 'done';
    const changeActive = ACTIVE_STATES.has(change.state);
    if ((jiraDone && changeActive) || (!jiraDone && !changeActive && change.state !== 'review')) {
      return [
        {
          policy: 'drift-state',
          changeId: change.id,
          subject: change.key,
          discriminator: `state:${link.recordId}`,
          severity: 'medium',
          message: jiraDone
            ? `${describe(link)} is done while ${change.key} is still ${STATE_WORDS[change.state] ?? change.state}.`
            : `${change.key} is ${STATE_WORDS[change.state] ?? change.state} while ${describe(link)} is still open.`,
          evidence: {
            record: link.recordId,
            key: link.externalKey,
            statusCategory: category,
            changeState: change.state,
          },
          correction: null,
        },
      ];
    }
  }
  if (
    (link.kind === 'pull_request' || link.kind === 'merge_request') &&
    fresh.facts.open === true &&
    (change.state === 'closed' || change.state === 'canceled')
  ) {
    return [
      {
        policy: 'drift-state',
        changeId: change.id,
        subject: change.key,
        discriminator: `open-code:${link.recordId}`,
        severity: 'medium',
        message: `${change.key} is ${change.state} but ${describe(link)} is still open.`,
        evidence: { record: link.recordId, key: link.externalKey, changeState: change.state },
        correction: null,
      },
    ];
  }
  return [];
}

function approvalDrift(view: ChangeView, link: Link, fresh: FreshRecord): Discrepancy[] {
  const { change } = view;
  const out: Discrepancy[] = [];
  if (link.kind === 'change_request' && typeof fresh.values.approval === 'string') {
    if (fresh.values.approval !== change.approval)
      out.push({
        policy: 'drift-approval',
        changeId: change.id,
        subject: change.key,
        discriminator: `approval:${link.recordId}`,
        severity: 'high',
        message: `${describe(link)} is ${words(fresh.values.approval)} but changebridge holds ${change.key} as ${words(change.approval)}.`,
        evidence: {
          record: link.recordId,
          recordApproval: fresh.values.approval,
          canonicalApproval: change.approval,
        },
        correction: { kind: 'reapply', recordId: link.recordId },
      });
  }
  const hasRequest = view.links.some((l) => l.kind === 'change_request');
  if (link.system === 'jira' && fresh.facts.labels && hasRequest) {
    const want = view.approvalLabels[change.approval] ?? null;
    const known = new Set(
      Object.values(view.approvalLabels).filter((l): l is string => l !== null),
    );
    const shown = fresh.facts.labels.filter((l) => known.has(l)).sort();
    const expected = want ? [want] : [];
    if (canonicalJson(shown) !== canonicalJson(expected))
      out.push({
        policy: 'drift-approval',
        changeId: change.id,
        subject: change.key,
        discriminator: `labels:${link.recordId}`,
        severity: 'medium',
        message: `${describe(link)} shows ${shown.length ? shown.join(', ') : 'no approval label'} but ${change.key} is ${words(change.approval)}.`,
        evidence: { record: link.recordId, labels: shown, expected, approval: change.approval },
        correction: { kind: 'rewrite', recordId: link.recordId, aspect: 'labels' },
      });
  }
  return out;
}

/** A Jira change issue with no change request; a change request naming a missing issue. */
function missingCounterparts(view: ChangeView): Discrepancy[] {
  const { change, links } = view;
  const out: Discrepancy[] = [];
  const request = links.find((l) => l.kind === 'change_request');
  const issues = links.filter((l) => l.system === 'jira' && l.kind === 'issue');
  if (!request && view.expectsChangeRequest) {
    for (const issue of issues) {
      if (view.fresh.get(issue.recordId) === null) continue; // reported as gone
      out.push({
        policy: 'drift-orphan',
        changeId: change.id,
        subject: change.key,
        discriminator: `no-request:${issue.recordId}`,
        severity: 'medium',
        message: `Jira ${issue.externalKey ?? issue.externalId} is a change but has no ServiceNow change request.`,
        evidence: { record: issue.recordId, key: issue.externalKey },
        correction: null,
      });
    }
  }
  const ref = request ? view.fresh.get(request.recordId)?.facts.jiraKey : null;
  if (ref && JIRA_KEY.test(ref) && !issues.some((i) => i.externalKey === ref)) {
    out.push({
      policy: 'drift-orphan',
      changeId: change.id,
      subject: change.key,
      discriminator: `missing-issue:${ref}`,
      severity: 'medium',
      message: `${change.key} refers to Jira ${ref}, which changebridge cannot find.`,
      evidence: { record: request!.recordId, jiraKey: ref },
      correction: null,
    });
  }
  return out;
}

export function describe(
  link: Pick<Link, 'system' | 'kind' | 'externalKey' | 'externalId'>,
): string {
  return `${SYSTEM_NAMES[link.system] ?? link.system} ${KIND_NAMES[link.kind] ?? link.kind} ${link.externalKey ?? link.externalId}`;
}

function words(name: string): string {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();
}

function json(v: unknown): unknown {
  return v instanceof Date ? v.toISOString() : (v ?? null);
}

function same(a: unknown, b: unknown): boolean {
  const x = json(a === '' ? null : a);
  const y = json(b === '' ? null : b);
  if (x === y) return true;
  if (x === null || y === null || typeof x !== 'object' || typeof y !== 'object') return false;
  return canonicalJson(x) === canonicalJson(y);
}

function short(v: unknown): string {
  const s = v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : String(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}
