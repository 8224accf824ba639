import { createSyncRuntime, type SyncRuntime } from '../../composition/sync.js';
import type { LoadedConfig } from '../../config/index.js';
import { createAppLogger, loadAppConfig, openApp } from '../../main.js';
import type { CliIo, GlobalOptions } from '../io.js';

/** Config → logger → database → connectors, mappings and workers: what sync commands share. */
export async function openSyncRuntime(
  io: CliIo,
  opts: GlobalOptions,
  workerId?: string,
  loaded: LoadedConfig = loadAppConfig(io, opts.config ? { configPath: opts.config } : {}),
): Promise<SyncRuntime> {
  const logger = createAppLogger(loaded, io, Boolean(opts.verbose));
  const app = await openApp(loaded, io);
  try {
    return createSyncRuntime(app, loaded, io, logger, workerId ? { workerId } : {});
  } catch (error) {
    await app.close();
    throw error;
  }
}

/** Resolves on the first SIGINT or SIGTERM (or when `signal` aborts). */
export function untilSignalled(signal?: AbortSignal): Promise<string> {
  return new Promise((resolve) => {
    const done = (name: string) => () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(name);
    };
    const onInt = done('SIGINT');
    const onTerm = done('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
    signal?.addEventListener('abort', done('abort'), { once: true });
  });
}
