import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { explainEvent, kindForEvent } from '../../composition/governance/index.js';
import { SYSTEMS, type SystemName } from '../../model/index.js';
import { ChangebridgeError } from '../../runtime/index.js';
import { syncSettings } from '../../sync/index.js';
import { EXIT } from '../errors.js';
import { write, type CliIo, type GlobalOptions } from '../io.js';
import { openSyncRuntime } from './sync-app.js';

interface ExplainOptions {
  system: SystemName;
  event: string;
  connection?: string;
  externalId?: string;
}

/**
 * `explain <payload.json>`: what changebridge would make of one record — the canonical
 * row and the findings of its change — against the current store, without writing
 * anything (DESIGN §9). The sync's own steps run in a transaction that is rolled back.
 */
export function registerExplain(
  program: Command,
  io: CliIo,
  run: (fn: () => Promise<number>) => void,
): void {
  program
    .command('explain')
    .description('map one payload and run the policies on it, as JSON; writes nothing')
    .argument('<payload.json>', 'the record as its mapping reads it (see `mappings preview`)')
    .addOption(
      new Option('--system <system>', 'the system the payload comes from')
        .choices(SYSTEMS)
        .makeOptionMandatory(),
    )
    .requiredOption(
      '--event <kind>',
      'the record kind (change_request, issue, sysapproval_approver, incident, pull_request, deployment, merge_request) or a webhook event name (jira:issue_updated, deployment_status, Merge Request Hook)',
    )
    .option('--connection <name>', "connection name (default: the configured system's)")
    .option('--external-id <id>', 'record id in its system, when the payload does not carry it')
    .addHelpText(
      'after',
      `
Examples:
  $ changebridge explain chg.json --system servicenow --event change_request
  $ changebridge explain issue.json --system jira --event jira:issue_updated | jq '.findings[].message'

Exit codes: 0 explained, 1 the sync could not apply the record (reason in the JSON), 64 usage, 78 unreadable file`,
    )
    .action((file: string, cmd: ExplainOptions) =>
      run(async () => {
        const payload = readPayload(io, file);
        const runtime = await openSyncRuntime(io, program.opts<GlobalOptions>());
        try {
          const { app, loaded } = runtime;
          const deps = {
            store: app.store,
            audit: app.audit,
            mappings: runtime.mappings,
            settings: syncSettings(loaded.config),
            policy: runtime.policy,
            clock: app.clock,
            logger: runtime.logger,
          };
          const kind = kindForEvent(deps, cmd.system, cmd.event);
          const connection =
            cmd.connection ?? loaded.config.connections[cmd.system]?.name ?? cmd.system;
          const answer = await explainEvent(deps, {
            system: cmd.system,
            kind,
            connection,
            payload,
            ...(cmd.externalId ? { externalId: cmd.externalId } : {}),
          });
          write(io.stdout, JSON.stringify(answer, null, 2));
          return answer.outcome === 'failed' ? EXIT.failed : EXIT.ok;
        } finally {
          await runtime.app.close();
        }
      }),
    );
}

function readPayload(io: CliIo, file: string): unknown {
  try {
    return JSON.parse(readFileSync(resolve(io.cwd, file), 'utf8')) as unknown;
  } catch (error) {
    throw new ChangebridgeError('explain', `${file} is not a readable JSON file`, {
      exitCode: EXIT.config,
      hint: `check the path and the JSON (${(error as Error).message})`,
    });
  }
}
