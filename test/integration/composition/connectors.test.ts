import { generateKeyPairSync } from 'node:crypto';
import { join, resolve } from 'node:path';
import {
  startServiceNowSimulator,
  DEFAULT_SIM_USER,
} from '../../../connectors/servicenow/simulator.js';
import { seedServiceNow } from '../../../connectors/servicenow/simulator-seed.js';
import { createConnectors, createHttpFactory } from '../../../src/composition/connectors.js';
import { loadConfig, parseConfigText } from '../../../src/config/index.js';
import { runPollPass } from '../../../src/ingest/index.js';
import { createMemoryLogger, systemClock } from '../../../src/runtime/index.js';
import { createStore } from '../../../src/store/index.js';
import { describeEachDatabase, useTestDatabase } from '../../support/databases.js';

const repoRoot = resolve(import.meta.dirname, '../../..');

const EXAMPLE_ENV = {
  SERVICENOW_PASSWORD: 'sn-password-1',
  SERVICENOW_WEBHOOK_SECRET: 'sn-hook-secret-1',
  JIRA_API_TOKEN: 'jira-token-1',
  JIRA_WEBHOOK_SECRET: 'jira-hook-secret-1',
  GITHUB_APP_PRIVATE_KEY: generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString(),
  GITHUB_WEBHOOK_SECRET: 'gh-hook-secret-1',
  GITLAB_TOKEN: 'gl-token-1',
  GITLAB_WEBHOOK_TOKEN: 'gl-hook-token-1',
};

describe('connectors from configuration', () => {
  it('builds one connector per connection of the documented example', () => {
    const { config } = loadConfig({
      path: join(repoRoot, 'config/changebridge.example.yaml'),
      env: EXAMPLE_ENV,
      cwd: repoRoot,
    });
    const { logger } = createMemoryLogger();
    const http = createHttpFactory(config, logger, systemClock);
    const connectors = createConnectors(config, { http, logger, clock: systemClock });
    expect(connectors.map((c) => [c.system, c.connection, c.streams.map((s) => s.name)])).toEqual([
      ['servicenow', 'servicenow', ['change_request', 'sysapproval_approver', 'incident']],
      ['jira', 'jira', ['issue']],
      ['github', 'github', ['pull_request', 'deployment']],
      ['gitlab', 'gitlab', ['merge_request', 'deployment']],
    ]);
    for (const c of connectors) expect(c.operations.length).toBeGreaterThan(0);
  });

  it('builds none without connections (the embedded defaults)', () => {
    const { config } = parseConfigText('{}', { file: 'x.yaml', env: {} });
    const { logger } = createMemoryLogger();
    const http = createHttpFactory(config, logger, systemClock);
    expect(createConnectors(config, { http, logger, clock: systemClock })).toEqual([]);
  });
});

describeEachDatabase('a configured ServiceNow connection, end to end', (dialect) => {
  const handle = useTestDatabase(dialect);

  it('polls every seeded change request into the inbox through the configured connector', async () => {
    const sim = await startServiceNowSimulator();
    try {
      const seeded = seedServiceNow(sim.state, { seed: 7, changes: 40 });
      const yaml = [
        'connections:',
        '  servicenow:',
        '    name: sn',
        `    baseUrl: ${sim.url}`,
        `    auth: { type: basic, username: ${DEFAULT_SIM_USER.userName}, password: "\${SN_PASSWORD}" }`,
        '    pageSize: 7',
      ].join('\n');
      const { config } = parseConfigText(yaml, {
        file: 'cb.yaml',
        env: { SN_PASSWORD: DEFAULT_SIM_USER.password },
      });
      const { logger } = createMemoryLogger();
      const http = createHttpFactory(config, logger, systemClock);
      const [sn] = createConnectors(config, { http, logger, clock: systemClock });
      const stream = sn!.streams.find((s) => s.name === 'change_request')!;
      const store = createStore(handle.get());
      const result = await runPollPass(store, sn!.connection, stream, {
        startedAt: new Date(Date.now() + 60_000),
      });
      expect(result.events).toBe(seeded.changes.length);
      expect(result.pages).toBeGreaterThanOrEqual(Math.ceil(seeded.changes.length / 7));
      expect((await store.inbox.counts()).pending).toBe(seeded.changes.length);
    } finally {
      await sim.stop();
    }
  });
});
