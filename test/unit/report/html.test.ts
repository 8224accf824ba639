import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { REPORT_SECTIONS } from '../../../src/report/html-sections.js';
import { renderHtml } from '../../../src/report/html.js';
import { checkSeal, readSeal, sealReport } from '../../../src/report/integrity.js';
import type { ReportData, ReportIntegrity } from '../../../src/report/model.js';

/**
 * The fixture is checked against a strict schema of the ReportData contract, and the
 * schema's type must be assignable to ReportData (the `const data: ReportData` below), so
 * a fixture that drifts from src/report/model.ts fails here rather than rendering quietly.
 */
const ref = z.strictObject({ system: z.string(), key: z.string(), url: z.string().nullable() });
const approval = z.strictObject({
  approver: z.string(),
  decision: z.string(),
  decidedAt: z.string().nullable(),
  system: z.string(),
});
const finding = z.strictObject({
  id: z.string(),
  change: z.string().nullable(),
  policy: z.string(),
  severity: z.string(),
  blocking: z.boolean(),
  status: z.string(),
  message: z.string(),
  firstSeenAt: z.string(),
  resolvedAt: z.string().nullable(),
  resolution: z.string().nullable(),
});
const str = z.string();
const strN = z.string().nullable();
const num = z.number().nullable();
const reportSchema = z.strictObject({
  version: z.literal(1),
  generatedAt: str,
  period: z.strictObject({ from: str, to: str }),
  tenant: strN,
  auditHead: z.strictObject({ seq: z.number(), hash: str }),
  totals: z.strictObject({
    changes: z.number(),
    byType: z.strictObject({ standard: z.number(), normal: z.number(), emergency: z.number() }),
    byOutcome: z.record(z.string(), z.number()),
    deployments: z.number(),
    merges: z.number(),
    unauthorised: z.number(),
    openFindings: z.number(),
    blockingFindings: z.number(),
  }),
  metrics: z.strictObject({
    meanTimeToApproveHours: num,
    approvalCycleHoursByType: z.record(z.string(), num),
    changeSuccessRate: num,
    changeFailureRate: num,
    emergencyChanges: z.number(),
    rejectionRate: num,
  }),
  changes: z.array(
    z.strictObject({
      key: str,
      title: str,
      type: str,
      risk: strN,
      state: str,
      approval: str,
      outcome: str,
      plannedStart: strN,
      plannedEnd: strN,
      closedAt: strN,
      records: z.array(ref),
      approvals: z.array(approval),
      findings: z.array(finding),
    }),
  ),
  events: z.array(
    z.strictObject({
      kind: z.enum(['deployment', 'merge']),
      system: str,
      repo: str,
      target: str,
      sha: strN,
      at: strN,
      actor: strN,
      ref,
      change: z.strictObject({ key: str, title: str, url: strN }).nullable(),
      approvals: z.array(approval),
      findings: z.array(finding),
      authorised: z.boolean(),
    }),
  ),
  unauthorised: z.array(
    z.strictObject({
      kind: z.enum(['deployment', 'merge', 'push']),
      ref,
      repo: str,
      target: str,
      sha: strN,
      at: strN,
      actor: strN,
      reason: str,
    }),
  ),
  drift: z.array(finding),
  waivers: z.array(
    z.strictObject({
      finding: str,
      change: strN,
      policy: str,
      by: str,
      reason: str,
      until: strN,
    }),
  ),
  emergencies: z.array(
    z.strictObject({
      key: str,
      title: str,
      implementedAt: strN,
      closedAt: strN,
      reviewDueAt: strN,
      reviewOnTime: z.boolean().nullable(),
      findings: z.array(finding),
    }),
  ),
  reconciliations: z.array(
    z.strictObject({
      id: str,
      startedAt: str,
      finishedAt: strN,
      scope: str,
      checked: z.number(),
      opened: z.number(),
      resolved: z.number(),
    }),
  ),
});

const FIXTURE = resolve(import.meta.dirname, '../../fixtures/report/sample-report.json');
const load = (): ReportData => reportSchema.parse(JSON.parse(readFileSync(FIXTURE, 'utf8')));
const data: ReportData = load();
const ZEROS = '0'.repeat(64);
const integrity: ReportIntegrity = { auditHead: { ...data.auditHead }, sha256: ZEROS };

/** Text content of markup, roughly: tags dropped, the five entities decoded. */
function text(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

function section(html: string, id: string): string {
  const m = new RegExp(`<section id="${id}"[\\s\\S]*?</section>`).exec(html);
  if (!m) throw new Error(`section #${id} not found`);
  return m[0];
}

function embedded(html: string): unknown {
  const m = /<script type="application\/json" id="changebridge-report">([\s\S]*?)<\/script>/.exec(
    html,
  );
  if (!m?.[1]) throw new Error('no embedded report data');
  return JSON.parse(m[1]);
}

/** Every string in a value run through `f`, keys kept. */
function mapStrings<T>(value: T, f: (s: string) => string): T {
  if (typeof value === 'string') return f(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => mapStrings(v, f)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]: [string, unknown]) => [k, mapStrings(v, f)]),
    ) as T;
  }
  return value;
}

const empty: ReportData = {
  ...data,
  changes: [],
  events: [],
  unauthorised: [],
  drift: [],
  waivers: [],
  emergencies: [],
  reconciliations: [],
};

describe('renderHtml', () => {
  const html = renderHtml(data, integrity);

  it('is one HTML5 document with the sections in the order the issue lists them', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('<h1>Change governance report</h1>');
    const positions = REPORT_SECTIONS.map((s) => html.indexOf(`<section id="${s.id}"`));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    for (const s of REPORT_SECTIONS) expect(section(html, s.id)).toContain(`<h2>${s.title}</h2>`);
    expect(html.indexOf('<header')).toBeLessThan(positions[0] ?? -1);
  });

  it('states the period, the scope and when it was generated', () => {
    const header = text(/<header[\s\S]*?<\/header>/.exec(html)?.[0] ?? '');
    expect(header).toContain('Period2026-03-01 00:00 UTC – 2026-04-01 00:00 UTC');
    expect(header).toContain('ScopeTenant acme');
    expect(header).toContain('Generated at2026-04-01 06:00 UTC');
    expect(renderHtml({ ...data, tenant: null }, integrity)).toContain('All tenants');
  });

  it('shows the audit chain head and the report SHA-256 verbatim, sealable by substitution', () => {
    const box = section(html, 'integrity');
    expect(box).toContain(`<span data-integrity="audit-seq">1842</span>`);
    expect(box).toContain(`<code data-integrity="audit-hash">${data.auditHead.hash}</code>`);
    expect(box).toContain(`<code data-integrity="sha256">${ZEROS}</code>`);
    // The sealing step replaces the placeholder in the text: that must equal a render with
    // the real value, i.e. the value appears nowhere else in altered form.
    const sha = 'ab'.repeat(32);
    const sealed = renderHtml(data, { ...integrity, sha256: sha });
    expect(html.split(ZEROS).length - 1).toBeGreaterThanOrEqual(3); // box, footer, JSON
    expect(html.replaceAll(ZEROS, sha)).toBe(sealed);
  });

  it('seals and verifies with integrity.ts (placeholder in, digest everywhere out)', () => {
    const sealed = sealReport(html);
    const seal = readSeal(sealed.text, 'html');
    expect(seal).toEqual({ sha256: sealed.sha256, auditHead: data.auditHead });
    expect(sealed.text).toContain(`<code data-integrity="sha256">${sealed.sha256}</code>`);
    expect(checkSeal(Buffer.from(sealed.text, 'utf8'), sealed.sha256).ok).toBe(true);
    const tampered = sealed.text.replace('Tenant acme', 'Tenant acne');
    expect(checkSeal(Buffer.from(tampered, 'utf8'), sealed.sha256).ok).toBe(false);
  });

  it('gives the key totals stable data-total hooks equal to the data', () => {
    const totals = Object.fromEntries(
      [...html.matchAll(/data-total="([\w-]+)">(\d+)</g)].map((m) => [m[1], Number(m[2])]),
    );
    expect(totals).toEqual({
      changes: 6,
      deployments: 5,
      merges: 2,
      unauthorised: 3,
      'open-findings': 2,
      'blocking-findings': 1,
      emergencies: 1,
    });
    expect(totals.changes).toBe(data.totals.changes);
    expect(totals.deployments).toBe(data.totals.deployments);
    expect(totals.merges).toBe(data.totals.merges);
    expect(totals.unauthorised).toBe(data.totals.unauthorised);
  });

  it('draws the summary charts as labelled inline SVG with the numbers as text', () => {
    const svgs = section(html, 'totals').match(/<svg [^>]*>/g) ?? [];
    expect(svgs).toHaveLength(3);
    for (const svg of svgs) expect(svg).toMatch(/role="img" aria-label="[^"]+"/);
    expect(html).toContain('aria-label="Changes by type: standard 2, normal 3, emergency 1"');
    expect(html).toContain(
      'Changes by outcome: successful 2, successful issues 1, unsuccessful 1, canceled 1, open 1',
    );
    expect(html).toContain(
      'Deployments: authorised 4, unauthorised 1; Merges: authorised 1, unauthorised 1',
    );
    expect(html).toMatch(/<g data-bar="normal">.*>3<\/text><\/g>/);
  });

  it('formats metrics: rates as percentages, hours with one decimal, n/a for null', () => {
    const m = text(section(html, 'metrics'));
    expect(m).toContain('Mean time to approve7.4 h');
    expect(m).toContain('Approval cycle time — standard0.3 h');
    expect(m).toContain('Approval cycle time — normal31.6 h');
    expect(m).toContain('Approval cycle time — emergencyn/a');
    expect(m).toContain('Change success rate75.0%');
    expect(m).toContain('Change failure rate25.0%');
    expect(m).toContain('Emergency change volume1');
    expect(m).toContain('Rejection rate16.7%');
    const nulls = renderHtml(
      {
        ...data,
        metrics: {
          meanTimeToApproveHours: null,
          approvalCycleHoursByType: {},
          changeSuccessRate: null,
          changeFailureRate: null,
          emergencyChanges: 0,
          rejectionRate: null,
        },
      },
      integrity,
    );
    expect(text(section(nulls, 'metrics')).match(/n\/a/g)).toHaveLength(4);
  });

  it('lists every deployment and merge with its change, approval evidence and findings', () => {
    const events = section(html, 'events');
    expect(events.match(/<tr>/g)).toHaveLength(data.events.length + 1);
    const t = text(events);
    expect(t).toContain('Dana Whitfield — approved — 2026-03-02 09:27 UTC — GitHub');
    expect(t).toContain('drift-window: Deployment started 40 minutes before');
    expect(events).toContain('href="https://github.com/acme/payments/pull/12"');
    expect(events.match(/<span class="bad">no<\/span>/g)).toHaveLength(2);
    expect(events.match(/<span class="bad">no change<\/span>/g)).toHaveLength(2);
  });

  it('shows unauthorised changes, drift and its resolution, waivers and emergency reviews', () => {
    expect(text(section(html, 'unauthorised'))).toContain('Direct push to protected branch main');
    const drift = text(section(html, 'drift'));
    expect(drift).toContain('3 drift finding(s): 2 resolved, 1 open.');
    expect(drift).toContain('Corrective write: Jira OPS-7 moved back to In Progress.');
    expect(text(section(html, 'waivers'))).toContain("on-call SRE's agreement");
    const emergencies = section(html, 'emergencies');
    expect(emergencies).toContain('<strong class="bad">late</strong>');
    expect(text(section(html, 'reconciliations'))).toContain('rec-20260322-0200');
  });

  it('links each change to its records in their own systems, & escaped in the href', () => {
    const changes = section(html, 'changes');
    expect(changes).toContain(
      'href="https://acme.service-now.com/change_request.do?sys_id=9d3c1f0a1b2c3d4e5f60718293a4b5c6&amp;sysparm_view=audit"',
    );
    expect(changes).toContain('>Jira OPS-1</a>');
    expect(changes).toContain('href="https://acme.atlassian.net/browse/OPS-1"');
  });

  it('says "None in this period." for every empty section', () => {
    const out = renderHtml(empty, integrity);
    const lists = ['events', 'unauthorised', 'drift', 'waivers', 'emergencies', 'changes'];
    for (const id of [...lists, 'reconciliations']) {
      expect(section(out, id)).toContain('<p class="none">None in this period.</p>');
    }
    expect(section(html, 'events')).not.toContain('None in this period.');
  });

  it('escapes every interpolated string', () => {
    const hostile = '<script>alert(1)</script> "quoted" \'single\' & more';
    const one = structuredClone(data);
    one.changes[0]!.title = hostile;
    const out = renderHtml(one, integrity);
    expect(out).not.toContain('<script>alert(1)');
    expect(out).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot; &#39;single&#39; &amp; more',
    );
    expect(out.match(/<script/g)).toHaveLength(1); // the JSON data block only
    // Every string field at once: no injected tag and no broken attribute survives.
    const all = renderHtml(
      mapStrings(data, (s) => `${s}<i x="1" y='2'>&`),
      integrity,
    );
    expect(all).not.toMatch(/<i[ >]/);
    // Outside the JSON data block (JSON, not markup) no quote survives unescaped.
    const markup = all.replace(/<script type="application\/json"[\s\S]*<\/script>/, '');
    expect(markup).not.toMatch(/ x="1"| y='2'/);
  });

  it('makes only http(s) URLs into links; javascript: and the like stay text', () => {
    const one = structuredClone(data);
    one.changes[0]!.records[0]!.url = 'javascript:alert(1)';
    one.events[0]!.change!.url = 'JavaScript:alert(2)';
    one.unauthorised[0]!.ref.url = 'data:text/html,<b>x</b>';
    one.events[1]!.ref.url = '//evil.example/x';
    const out = renderHtml(one, integrity);
    const hrefs = [...out.matchAll(/href="([^"]*)"/g)].map((m) => m[1] ?? '');
    expect(hrefs.filter((h) => !/^(#|https?:\/\/)/.test(h))).toEqual([]);
    expect(out).not.toMatch(/href="[^"]*(javascript|data:|\/\/evil)/i);
    expect(text(section(out, 'changes'))).toContain('ServiceNow CHG0030001 (javascript:alert(1))');
  });

  it('references nothing outside the file but the records it links to', () => {
    const recordUrls = new Set<string>();
    mapStrings(data, (s) => (/^https?:\/\//.test(s) && recordUrls.add(s), s));
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/@import/i);
    expect(html).not.toMatch(/\bsrc\s*=/i);
    expect(html).not.toMatch(/url\(/i);
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => text(m[1] ?? ''));
    const external = hrefs.filter((h) => !h.startsWith('#'));
    expect(external.length).toBeGreaterThan(10);
    for (const h of external) expect(recordUrls).toContain(h);
    const anchors = hrefs.filter((h) => h.startsWith('#')).map((h) => h.slice(1));
    expect(anchors).toEqual(REPORT_SECTIONS.map((s) => s.id));
  });

  it('embeds the data and integrity as JSON that parses back exactly', () => {
    expect(embedded(html)).toEqual({ ...data, integrity });
    const one = structuredClone(data);
    one.changes[0]!.title = 'ends </script><script>alert(1)</script> <!-- here';
    const out = renderHtml(one, integrity);
    expect(embedded(out)).toEqual({ ...one, integrity });
    expect(out.match(/<\/script>/g)).toHaveLength(1);
  });

  it('is a pure function of its input', () => {
    expect(renderHtml(load(), { ...integrity })).toBe(html);
  });
});
