import { seedStory, actTwo } from '../../src/demo/story.js';
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
  approvalComments,
  sendWebhooksTo,
  startSimWorld,
  worldConfigYaml,
  type SimWorld,
} from '../support/sync-world.js';

/** The daemon as a process against the simulators: the two ways a change starts. */
describeEachDatabase('e2e: sync daemon flows', (dialect) => {
  let world: SimWorld;
  let database: TestDatabase;
  let daemon: DaemonProcess | undefined;

  beforeEach(async () => {
    world = await startSimWorld();
    database = await createTestDatabase(dialect);
    await (await database.open()).close();
  });
  afterEach(async () => {
    await daemon?.kill('SIGKILL');
    daemon = undefined;
    await world.close();
    await database.drop();
  }, 30_000);

  async function start(): Promise<DaemonProcess> {
    const port = await freePort();
    const file = writeConfig(
      worldConfigYaml(world, database.url, {
        serverPort: port,
        poll: '*/2 * * * * *',
        logLevel: 'info',
      }),
    );
    const d = await spawnDaemon({ configFile: file, port, env: world.env });
    sendWebhooksTo(world, d.url);
    return d;
  }

  it('ServiceNow-first and Jira-only changes converge; SIGTERM stops cleanly', async () => {
    const facts = seedStory({ servicenow: world.servicenow, jira: world.jira }, new Date());
    daemon = await start();
    const tls = () => world.jira.state.find(facts.changes.tlsRotation.jiraIssueKey!)!;
    await eventually(() => tls().labels.includes('change-approved'), {
      describe: () => daemon!.output().slice(-3000),
    });
    const pay = () => world.jira.state.find(facts.jiraOnlyIssue.key)!;
    const number = await eventually(() => pay().customFields.customfield_10100 as string | null, {
      describe: () => daemon!.output().slice(-3000),
    });
    const created = [...world.servicenow.state.table('change_request').values()].filter(
      (r) => r.number === number,
    );
    expect(created).toHaveLength(1);

    actTwo({ servicenow: world.servicenow, jira: world.jira }, facts, new Date());
    const pg = () => world.jira.state.find(facts.changes.postgresUpgrade.jiraIssueKey!)!;
    await eventually(
      () =>
        pg().labels.includes('change-approved') &&
        approvalComments(pg()).length > 0 &&
        pay().labels.includes('change-approved'),
      {
        describe: () => daemon!.output().slice(-3000),
      },
    );
    expect(approvalComments(pg())).toHaveLength(1);
    expect(await daemon.kill('SIGTERM')).toBe(0);
    expect(daemon.output()).toContain('daemon.stopped');
  }, 90_000);
});
