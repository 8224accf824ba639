/**
 * The backfill benchmark's read floor, run as a child process by scripts/bench/backfill.ts:
 * `tsx scripts/bench/support/read-pages.ts <config>` reads every page of every stream the
 * config names, through the very connectors `changebridge backfill` uses (same HTTP
 * client, per-host scheduler, parsing and validation), and applies nothing. It prints one
 * line of JSON: the records read per stream and the milliseconds spent reading them, and
 * the CPU time (user + system, all threads) this process spent doing so, start-up
 * excluded. No backfill can finish its streams faster than this, whatever it does with
 * the records, nor do its reading with less CPU.
 */
import { performance } from 'node:perf_hooks';
import { createConnectors, createHttpFactory } from '../../../src/composition/connectors.js';
import { loadConfig } from '../../../src/config/index.js';
import { createLogger, systemClock } from '../../../src/runtime/index.js';

export interface ReadFloor {
  streams: { stream: string; records: number; ms: number }[];
  ms: number;
  /** CPU time (user + system) of this process while reading, in milliseconds. */
  cpuMs: number;
}

async function main(configPath: string): Promise<void> {
  const { config } = loadConfig({ path: configPath, env: process.env, cwd: process.cwd() });
  const logger = createLogger({ level: 'silent' });
  const http = createHttpFactory(config, logger, systemClock);
  const connectors = createConnectors(config, { http, logger, clock: systemClock });
  const out: ReadFloor = { streams: [], ms: 0, cpuMs: 0 };
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (const connector of connectors) {
    for (const stream of connector.streams) {
      const t = performance.now();
      let records = 0;
      for await (const page of stream.poll(null, { startedAt: systemClock.now() }))
        records += page.events.length;
      out.streams.push({
        stream: `${connector.connection}/${stream.name}`,
        records,
        ms: performance.now() - t,
      });
    }
  }
  out.ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  out.cpuMs = (used.user + used.system) / 1000;
  console.log(JSON.stringify(out));
}

const configPath = process.argv[2];
if (!configPath) throw new Error('usage: read-pages.ts <config.yaml>');
await main(configPath);
