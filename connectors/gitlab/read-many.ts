import type { KeyPatterns, SourceEvent } from '../../src/model/index.js';
import { isGoneError, UserError, type Clock } from '../../src/runtime/index.js';
import { deploymentFromApi, mergeRequestFromApi } from './api-events.js';
import { projectPath, type GitLabClient } from './client.js';
import type { EventContext } from './events.js';
import { apiDeployment, apiMergeRequest, type ApiDeployment } from './schemas.js';

/**
 * Reconciliation's fresh read (DESIGN §7): merge requests (`group/project!12`) and
 * deployments (`group/project/deployments/345`) by external id, as the poll reads them
 * (api-events.ts builds both, so the payloads match).
 *
 * - Merge requests: `GET /projects/:id/merge_requests?iids[]=1&iids[]=2…&per_page=100`,
 *   100 iids per request (a page's maximum), following `X-Next-Page` like the poll.
 *   Calls: ⌈N/100⌉ per project.
 * - Deployments: the API has no filter by id, so list `order_by=id&sort=desc&per_page=100`
 *   until every wanted id is found, the list ends or passes the lowest wanted id — and no
 *   longer than listing costs less than fetching the rest — then
 *   `GET /projects/:id/deployments/:id` for those still missing. Calls: about N/100 for the
 *   project's recent deployments, at most 2 N.
 *
 * 404 — the record or the whole project deleted, or hidden from the token — leaves the
 * ids out of the result.
 */

export const READABLE_KINDS: readonly string[] = ['merge_request', 'deployment'];
/** iids per request: GitLab's largest page. */
export const READ_MANY_CHUNK = 100;

const MR_ID = /^(.+)!(\d+)$/;
const DEPLOYMENT_ID = /^(.+)\/deployments\/(\d+)$/;

export interface ReadManyDeps {
  client: GitLabClient;
  connection: string;
  keyPatterns?: KeyPatterns | undefined;
  clock: Clock;
}

export async function readManyGitLab(
  deps: ReadManyDeps,
  kind: string,
  externalIds: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, SourceEvent>> {
  const pattern = kind === 'merge_request' ? MR_ID : kind === 'deployment' ? DEPLOYMENT_ID : null;
  if (!pattern) {
    throw new UserError('gitlab', `readMany: "${kind}" is not a record kind this connector reads`, {
      hint: `ask for one of ${READABLE_KINDS.join(', ')}`,
    });
  }
  // project → number → the external ids asking for it
  const byProject = new Map<string, Map<number, string[]>>();
  for (const id of externalIds) {
    const m = pattern.exec(id);
    if (!m) continue; // not an id this connector makes: nothing can answer to it
    const numbers = byProject.get(m[1]!) ?? new Map<number, string[]>();
    byProject.set(m[1]!, numbers);
    const n = Number(m[2]);
    numbers.set(n, [...(numbers.get(n) ?? []), id]);
  }
  const ctx: EventContext = {
    connection: deps.connection,
    receivedAt: deps.clock.now(),
    keyPatterns: deps.keyPatterns,
  };
  const out = new Map<string, SourceEvent>();
  for (const [project, numbers] of byProject) {
    const found =
      kind === 'merge_request'
        ? await mergeRequests(deps.client, ctx, project, [...numbers.keys()], signal)
        : await deployments(deps.client, ctx, project, new Set(numbers.keys()), signal);
    for (const [n, event] of found) {
      for (const id of numbers.get(n) ?? []) out.set(id, { ...event, externalId: id });
    }
  }
  return out;
}

async function mergeRequests(
  client: GitLabClient,
  ctx: EventContext,
  project: string,
  iids: readonly number[],
  signal?: AbortSignal,
): Promise<Map<number, SourceEvent>> {
  const found = new Map<number, SourceEvent>();
  for (let i = 0; i < iids.length; i += READ_MANY_CHUNK) {
    signal?.throwIfAborted();
    const chunk = iids.slice(i, i + READ_MANY_CHUNK);
    // Rails array parameters repeat the name: the shared client's params are scalars only.
    const query = chunk.map((n) => `iids%5B%5D=${n}`).join('&');
    const path = `${projectPath(project)}/merge_requests?${query}`;
    try {
      for await (const page of client.pages(path, apiMergeRequest, { per_page: 100 }, signal)) {
        for (const mr of page)
          found.set(mr.iid, mergeRequestFromApi(ctx, project, mr, 'reconcile'));
      }
    } catch (error) {
      if (isGoneError(error)) return found; // the project itself is gone or hidden
      throw error;
    }
  }
  return found;
}

async function deployments(
  client: GitLabClient,
  ctx: EventContext,
  project: string,
  wanted: ReadonlySet<number>,
  signal?: AbortSignal,
): Promise<Map<number, SourceEvent>> {
  const found = new Map<number, ApiDeployment>();
  const missing = new Set(wanted);
  const params = { order_by: 'id', sort: 'desc', per_page: 100 };
  let pages = 0;
  try {
    for await (const page of client.pages(
      `${projectPath(project)}/deployments`,
      apiDeployment,
      params,
      signal,
    )) {
      pages += 1;
      for (const d of page) if (missing.delete(d.id)) found.set(d.id, d);
      const last = page[page.length - 1];
      // Highest id first: past the lowest wanted id, the rest of the list cannot have it.
      if (!last || missing.size === 0 || last.id < lowest(missing)) break;
      // Listing costs a request per page, fetching one per record.
      if (pages >= missing.size) break;
    }
  } catch (error) {
    if (pages === 0 && isGoneError(error)) return new Map(); // the project is gone or hidden
    throw error;
  }
  for (const id of missing) {
    signal?.throwIfAborted();
    try {
      found.set(id, await client.get(`${projectPath(project)}/deployments/${id}`, apiDeployment));
    } catch (error) {
      if (!isGoneError(error)) throw error;
    }
  }
  const out = new Map<number, SourceEvent>();
  // The deployments API does not say which project id it belongs to (the poll passes null too).
  for (const [id, d] of found) out.set(id, deploymentFromApi(ctx, project, d, 'reconcile', null));
  return out;
}

function lowest(numbers: ReadonlySet<number>): number {
  let min = Infinity;
  for (const n of numbers) if (n < min) min = n;
  return min;
}
