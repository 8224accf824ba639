import {
  createServiceNowConnector,
  type ServiceNowConnector,
  type ServiceNowOptions,
} from '../../../connectors/servicenow/index.js';
import {
  DEFAULT_SIM_USER,
  ServiceNowSimulator,
  type ServiceNowSimulatorOptions,
} from '../../../connectors/servicenow/simulator.js';
import {
  createHttpClientFactory,
  createMemoryLogger,
  type Clock,
  type HttpClientFactoryOptions,
} from '../../../src/runtime/index.js';

/** A simulator and a connector talking to it over real TCP, with fast retry settings. */
export interface Harness {
  sim: ServiceNowSimulator;
  connector: ServiceNowConnector;
  logs: ReturnType<typeof createMemoryLogger>;
  stop(): Promise<void>;
}

export const WEBHOOK_SECRET = 'business-rule-shared-secret';

export async function startHarness(
  o: {
    sim?: ServiceNowSimulatorOptions;
    connector?: Partial<ServiceNowOptions>;
    http?: HttpClientFactoryOptions['defaults'];
    clock?: Clock;
  } = {},
): Promise<Harness> {
  const sim = await new ServiceNowSimulator(o.sim).start();
  const logs = createMemoryLogger();
  const http = createHttpClientFactory({
    defaults: { intervalCap: 0, jitter: 'none', baseBackoffMs: 20, maxRetries: 4, ...o.http },
    logger: logs.logger,
  });
  const connector = createServiceNowConnector(
    {
      baseUrl: sim.url,
      auth: {
        type: 'basic',
        username: DEFAULT_SIM_USER.userName,
        password: DEFAULT_SIM_USER.password,
      },
      webhook: { secrets: [WEBHOOK_SECRET] },
      overlapSeconds: 0,
      ...o.connector,
    },
    { http, logger: logs.logger, ...(o.clock ? { clock: o.clock } : {}) },
  );
  return { sim, connector, logs, stop: () => sim.stop() };
}

export function stream(connector: ServiceNowConnector, name: string) {
  const s = connector.streams.find((x) => x.name === name);
  if (!s) throw new Error(`no stream ${name}`);
  return s;
}
