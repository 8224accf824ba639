import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seedStory, type StoryFacts } from '../../src/demo/story.js';
import { editSummary } from '../../src/demo/story-jira.js';
import type { Database } from '../../src/store/index.js';
import {
  createTestDatabase,
  describeEachDatabase,
  type TestDatabase,
} from '../support/databases.js';
import {
  eventually,
  freePort,
  spawnDaemon,
  writeConfig,
  type DaemonProcess,
} from '../support/daemon-process.js';
import {
  sendWebhooksTo,
  startSimWorld,
  worldConfigYaml,
  type SimWorld,
} from '../support/sync-world.js';

/**
 * Delivery semantics end to end (DESIGN §2, §5), the daemon as a process on both databases:
 * a webhook delivered many times, concurrently and out of order, has exactly one effect;
 * and our own write-backs coming back through webhooks and polls change nothing.
 */

interface Captured {
  headers: IncomingHttpHeaders;
  raw: Buffer;
  body: { webhookEvent: string; issue: { key: string; fields: { summary: string } } };
}

/** A stand-in Jira webhook receiver: keeps every delivery's exact bytes and headers. */
async function startCapture(): Promise<{ url: string; got: Captured[]; close(): Promise<void> }> {
  const got: Captured[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      got.push({ headers: req.headers, raw, body: JSON.parse(raw.toString('utf8')) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    got,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const NEVER = '0 0 1 1 *'; // once a year: no poll runs during a test
const EVERY_2S = '*/2 * * * * *';

describeEachDatabase('e2e: sync delivery', (dialect) => {
  let world: SimWorld;
  let database: TestDatabase;
  let db: Database | undefined;
  let daemon: DaemonProcess | undefined;
  let capture: Awaited<ReturnType<typeof startCapture>> | undefined;

  beforeEach(async () => {
    world = await startSimWorld();
    database = await createTestDatabase(dialect);
    db = await database.open();
  });
  afterEach(async () => {
    await daemon?.kill('SIGKILL');
    daemon = undefined;
    await db?.close();
    db = undefined;
    await world.close();
    await capture?.close();
    capture = undefined;
    await database.drop();
  }, 30_000);

  async function start(poll: string, args: string[] = []): Promise<DaemonProcess> {
    const port = await freePort();
    const file = writeConfig(
      worldConfigYaml(world, database.url, { serverPort: port, poll, logLevel: 'info' }),
    );
    return spawnDaemon({ configFile: file, port, env: world.env, args });
  }

  async function sql(text: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
    return (await db!.dataSource.query(text, params)) as Record<string, unknown>[];
  }
  const count = async (text: string, params: unknown[] = []): Promise<number> =>
    Number((await sql(text, params))[0]!.n);
  const busy = async (): Promise<number> =>
    (await count(
      "SELECT COUNT(*) AS n FROM inbox_events WHERE status IN ('pending', 'processing')",
    )) +
    (await count(
      "SELECT COUNT(*) AS n FROM outbox_commands WHERE status IN ('pending', 'processing')",
    ));

  /** Writes to either simulator since `mark` (searches are reads, even when POSTed). */
  const mark = () => ({ sn: world.servicenow.requests.length, jira: world.jira.requests.length });
  const writes = (since = { sn: 0, jira: 0 }) => [
    ...world.servicenow.requests
      .slice(since.sn)
      .filter((r) => r.method !== 'GET')
      .map((r) => `servicenow ${r.method} ${r.path}`),
    ...world.jira.requests
      .slice(since.jira)
      .filter((r) => r.method !== 'GET' && !r.path.includes('/search'))
      .map((r) => `jira ${r.method} ${r.path}`),
  ];
  const snPatches = (sysId: string) =>
    world.servicenow.requests.filter(
      (r) => r.method === 'PATCH' && r.path === `/api/now/table/change_request/${sysId}`,
    ).length;
  const jiraPuts = (key: string) =>
    world.jira.requests.filter((r) => r.method === 'PUT' && r.path === `/rest/api/3/issue/${key}`)
      .length;

  /** Nothing pending, and no new write or inbox row, for `quietMs` in a row. */
  async function settle(quietMs: number, timeoutMs = 30_000): Promise<void> {
    let last = '';
    let since = Date.now();
    await eventually(
      async () => {
        const pending = await busy();
        const inbox = await count('SELECT COUNT(*) AS n FROM inbox_events');
        const now = `${pending}|${inbox}|${writes().length}`;
        if (now !== last || pending > 0) {
          last = now;
          since = Date.now();
          return false;
        }
        return Date.now() - since >= quietMs;
      },
      { timeoutMs, describe: () => `still busy: ${last}\n${daemon!.output().slice(-3000)}` },
    );
  }

  /** The canonical change's title as the daemon's read API shows it; null before it exists. */
  const changeTitle = async (number: string): Promise<string | null> => {
    const res = await fetch(`${daemon!.url}/api/v1/changes/${number}`);
    if (res.status === 404) return null;
    return ((await res.json()) as { change: { title: string } }).change.title;
  };
  const engineerOf = (facts: StoryFacts) => facts.people.find((p) => p.role === 'engineer')!;

  it('a delivery repeated 5× concurrently, the older version last, has one effect', async () => {
    const facts = seedStory({ servicenow: world.servicenow, jira: world.jira }, new Date());
    const tls = facts.changes.tlsRotation; // CHG0030002, its Jira issue mirrors the title
    const rb = facts.changes.checkoutRollback; // CHG0030003
    const key = tls.jiraIssueKey!;
    // Only the initial poll: the deliveries below are the only way news reaches the daemon.
    daemon = await start(NEVER);
    await eventually(async () => (await busy()) === 0 && (await changeTitle(tls.number)), {
      describe: () => daemon!.output().slice(-3000),
    });
    await settle(1500);

    capture = await startCapture();
    world.jira.webhooks.register({
      url: capture.url,
      secret: world.env.JIRA_WEBHOOK!,
      events: ['jira:issue_updated'],
    });
    const engineer = engineerOf(facts).jira.accountId;
    const older = 'Rotate TLS certificates (edit 1)';
    const newer = 'Rotate TLS certificates on edge-lb-01..04 (edit 2)';
    editSummary(world.jira.state, key, older, engineer);
    editSummary(world.jira.state, key, newer, engineer);
    await world.jira.webhooks.idle();
    const delivery = (summary: string): Captured => {
      const hit = capture!.got.find(
        (c) => c.body.issue.key === key && c.body.issue.fields.summary === summary,
      );
      if (!hit) throw new Error(`no captured delivery with summary "${summary}"`);
      // Signed as the simulator signs for a Jira admin webhook with the configured secret.
      const hmac = createHmac('sha256', world.env.JIRA_WEBHOOK!).update(hit.raw).digest('hex');
      expect(hit.headers['x-hub-signature']).toBe(`sha256=${hmac}`);
      return hit;
    };
    const [d1, d2] = [delivery(older), delivery(newer)];

    // A ServiceNow edit whose business-rule post we deliver ourselves (thin: re-read).
    const snBefore = world.servicenow.state.get('change_request', rb.sysId)!;
    const justification = `${snBefore.justification ?? ''} Customer impact confirmed.`.trim();
    const row = world.servicenow.state.update(
      'change_request',
      rb.sysId,
      { justification },
      { user: engineerOf(facts).servicenow.userName },
    );
    const snHint = JSON.stringify({
      table: 'change_request',
      sys_id: rb.sysId,
      sys_updated_on: row.sys_updated_on,
      operation: 'update',
    });

    const patchesBefore = snPatches(tls.sysId);
    const rbPutsBefore = jiraPuts(rb.jiraIssueKey!);
    const updatedBefore = await count(
      "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'change.updated' AND subject = ?",
      [rb.number],
    );
    const post = async (path: string, headers: Record<string, string>, body: Buffer | string) => {
      const res = await fetch(`${daemon!.url}${path}`, { method: 'POST', headers, body });
      return { status: res.status, stored: ((await res.json()) as { stored?: number }).stored };
    };
    const replay = (c: Captured) =>
      post(
        '/webhooks/jira',
        {
          'content-type': 'application/json; charset=utf-8',
          'x-hub-signature': String(c.headers['x-hub-signature']),
          'x-atlassian-webhook-identifier': String(c.headers['x-atlassian-webhook-identifier']),
        },
        c.raw,
      );
    const snPost = () =>
      post(
        '/webhooks/servicenow',
        { 'content-type': 'application/json', 'x-changebridge-secret': world.env.SN_WEBHOOK! },
        snHint,
      );
    // The newer edit and the business-rule post 5× each, shuffled and concurrent; then the
    // older edit 5× concurrently, once the newer one is in the inbox.
    const sends = shuffled([
      ...Array.from({ length: 5 }, () => ({ what: 'newer', send: () => replay(d2) })),
      ...Array.from({ length: 5 }, () => ({ what: 'servicenow', send: snPost })),
    ]);
    const answers = await Promise.all(
      sends.map(async ({ what, send }) => ({ what, ...(await send()) })),
    );
    answers.push(
      ...(await Promise.all(
        Array.from({ length: 5 }, async () => ({ what: 'older', ...(await replay(d1)) })),
      )),
    );
    for (const what of ['newer', 'servicenow', 'older']) {
      const mine = answers.filter((a) => a.what === what);
      expect(mine.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
      // Stored once; the other four are acknowledged duplicates.
      expect(mine.reduce((n, a) => n + (a.stored ?? 0), 0)).toBe(1);
    }

    const snRow = () => world.servicenow.state.get('change_request', tls.sysId)!;
    await eventually(() => snRow().short_description === newer, {
      describe: () => `${snRow().short_description}\n${daemon!.output().slice(-3000)}`,
    });
    await settle(2000);

    expect(snRow().short_description).toBe(newer);
    expect(snPatches(tls.sysId) - patchesBefore).toBe(1);
    expect(await changeTitle(tls.number)).toBe(newer);
    const inbox = async (deliveryKey: string) =>
      sql('SELECT status, last_error FROM inbox_events WHERE delivery_key = ?', [deliveryKey]);
    const key2 = `webhook:${String(d2.headers['x-atlassian-webhook-identifier'])}`;
    const key1 = `webhook:${String(d1.headers['x-atlassian-webhook-identifier'])}`;
    expect(await inbox(key2)).toEqual([{ status: 'done', last_error: null }]);
    const ignored = await inbox(key1);
    expect(ignored).toHaveLength(1);
    expect(ignored[0]!.status).toBe('ignored');
    expect(String(ignored[0]!.last_error)).toMatch(/is older than the applied/);

    // The business-rule post: one inbox row, one canonical update, one write to Jira.
    const snKey = `webhook:change_request:${rb.sysId}@${row.sys_updated_on}`;
    expect(await inbox(snKey)).toEqual([{ status: 'done', last_error: null }]);
    expect(
      await count(
        "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'change.updated' AND subject = ?",
        [rb.number],
      ),
    ).toBe(updatedBefore + 1);
    expect(jiraPuts(rb.jiraIssueKey!) - rbPutsBefore).toBe(1);
  }, 60_000);

  it('one edit on each side converges with one write per record; echoes change nothing', async () => {
    const facts = seedStory({ servicenow: world.servicenow, jira: world.jira }, new Date());
    const tls = facts.changes.tlsRotation; // CHG0030002: edited in Jira
    const rb = facts.changes.checkoutRollback; // CHG0030003: edited in ServiceNow
    daemon = await start(EVERY_2S);
    sendWebhooksTo(world, daemon.url);
    await eventually(async () => (await busy()) === 0 && (await changeTitle(tls.number)), {
      describe: () => daemon!.output().slice(-3000),
    });
    await settle(4500, 40_000); // two poll cycles with nothing to do
    const changeUpdates = () =>
      count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'change.updated'");

    const before = mark();
    const updatesBefore = await changeUpdates();
    const lastInboxId = await count('SELECT COALESCE(MAX(id), 0) AS n FROM inbox_events');
    const engineer = engineerOf(facts);
    const snTitle = 'Emergency: roll back checkout-web to 4.2.0 (edited in ServiceNow)';
    const jiraTitle = 'Rotate TLS certificates on edge-lb-01..04 (edited in Jira)';
    world.servicenow.state.update(
      'change_request',
      rb.sysId,
      { short_description: snTitle },
      { user: engineer.servicenow.userName },
    );
    editSummary(world.jira.state, tls.jiraIssueKey!, jiraTitle, engineer.jira.accountId);

    const rbIssue = () => world.jira.state.find(rb.jiraIssueKey!)!;
    const tlsRow = () => world.servicenow.state.get('change_request', tls.sysId)!;
    await eventually(
      () => rbIssue().summary === snTitle && tlsRow().short_description === jiraTitle,
      {
        describe: () =>
          `${rbIssue().summary} / ${tlsRow().short_description}\n${daemon!.output().slice(-3000)}`,
      },
    );
    await settle(4500);
    const made = writes(before);
    const perTarget = new Map<string, number>();
    for (const w of made) perTarget.set(w, (perTarget.get(w) ?? 0) + 1);
    expect([...perTarget].filter(([, n]) => n > 1)).toEqual([]);
    expect(perTarget.get(`servicenow PATCH /api/now/table/change_request/${tls.sysId}`)).toBe(1);
    expect(perTarget.get(`jira PUT /rest/api/3/issue/${rb.jiraIssueKey!}`)).toBe(1);
    // Neither edit is written back to the record it was made on.
    expect(perTarget.get(`servicenow PATCH /api/now/table/change_request/${rb.sysId}`)).toBe(
      undefined,
    );
    expect(perTarget.get(`jira PUT /rest/api/3/issue/${tls.jiraIssueKey!}`)).toBe(undefined);
    // Our two writes came back (business rule, Jira webhook) and were taken as no news:
    // one canonical update per human edit, none for the echoes.
    const echoes = await sql(
      `SELECT external_id, status FROM inbox_events WHERE id > ? AND event IN ('webhook', 'jira:issue_updated') AND external_id IN (?, ?)`,
      [lastInboxId, tls.sysId, rb.jiraIssueKey],
    );
    expect(echoes.map((e) => e.external_id)).toEqual(
      expect.arrayContaining([tls.sysId, rb.jiraIssueKey]),
    );
    for (const e of echoes) expect(['done', 'ignored']).toContain(e.status);
    expect(await changeUpdates()).toBe(updatesBefore + 2);
    expect(await changeTitle(tls.number)).toBe(jiraTitle);
    expect(await changeTitle(rb.number)).toBe(snTitle);

    // Three more poll cycles re-read both sides (our writes included) and change nothing.
    const polls = () => daemon!.events().filter((e) => e.event === 'poll.stream_done').length;
    const settled = mark();
    const settledUpdates = await changeUpdates();
    const pollsBefore = polls();
    await new Promise((r) => setTimeout(r, 6500));
    expect(polls() - pollsBefore).toBeGreaterThanOrEqual(3);
    expect(writes(settled)).toEqual([]);
    expect(await changeUpdates()).toBe(settledUpdates);
    expect(await busy()).toBe(0);
  }, 60_000);
});
