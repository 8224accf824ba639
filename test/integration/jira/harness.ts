import { createJiraConnector, type JiraConnectorOptions } from '../../../connectors/jira/index.js';
import { JiraSimulator, type JiraSimulatorOptions } from '../../../connectors/jira/simulator.js';
import {
  createHttpClientFactory,
  createNullLogger,
  ManualClock,
  type Clock,
  type HttpSettings,
} from '../../../src/runtime/index.js';

/** A running simulator and a connector pointed at it over loopback HTTP. */
export async function startJira(
  simOptions: JiraSimulatorOptions = {},
  connector: Partial<JiraConnectorOptions> = {},
  http: Partial<HttpSettings> = {},
  clock?: Clock,
) {
  const sim = new JiraSimulator(simOptions);
  const url = await sim.start();
  if (sim.state.projects.size === 0) {
    sim.state.addProject({ key: 'OPS', name: 'Operations', issueTypes: ['Change', 'Task'] });
    sim.state.addProject({ key: 'PAY', name: 'Payments', issueTypes: ['Change', 'Task'] });
  }
  const factory = createHttpClientFactory({
    logger: createNullLogger(),
    defaults: { intervalCap: 0, baseBackoffMs: 1, maxBackoffMs: 5, jitter: 'none', ...http },
    ...(clock ? { clock } : {}),
  });
  const jira = createJiraConnector(
    {
      connection: 'jira',
      baseUrl: url,
      auth: { type: 'basic', email: sim.email, apiToken: sim.apiToken },
      webhookSecrets: ['s3cret-current', 's3cret-previous'],
      projects: ['OPS', 'PAY'],
      pageSize: 100,
      ...connector,
    },
    { http: factory, logger: createNullLogger(), ...(clock ? { clock } : {}) },
  );
  return { sim, url, jira, factory };
}

export { ManualClock };
