import type { KeyPatterns, SourceEvent } from '../../src/model/index.js';
import { isGoneError, UserError, type Clock } from '../../src/runtime/index.js';
import type { GitHubApi, Page } from './client.js';
import { deploymentEvent, pullRequestEvent, type ApiEventContext } from './record-events.js';

/**
 * Reconciliation's fresh read (DESIGN §7): pull requests and deployments by external id
 * (`owner/repo#12`, `owner/repo/deployments/345`), as the poll reads them. GitHub's REST
 * API cannot fetch a list of records by number, so per repository:
 *
 *  1. list newest first, 100 a page — pull requests `sort=created&direction=desc` (numbers
 *     descend with creation, and an update mid-scan does not move a PR, unlike
 *     `sort=updated`), deployments in their only order, newest (highest id) first — until
 *     every wanted record is found, the list ends, or it has passed the lowest wanted
 *     number; and no longer than listing costs less than fetching the rest one by one;
 *  2. fetch the still-missing ones one by one (`GET …/pulls/{n}`, `GET …/deployments/{id}`):
 *     a 404 means deleted or not visible, and the id is left out of the result;
 *  3. per record found, what the poll adds: all reviews of a pull request (one call per
 *     100 reviews), the latest status of a deployment (one call).
 *
 * Calls for N wanted records of one repository: pages listed (≤ N, about N/100 when they
 * are the repository's recent ones) + one per record not in the listed pages + one per
 * record for reviews or statuses — about 1.01 N for recent records, at most 3 N.
 */

export const READABLE_KINDS: readonly string[] = ['pull_request', 'deployment'];

const PR_ID = /^([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)#(\d+)$/;
const DEPLOYMENT_ID = /^([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)\/deployments\/(\d+)$/;

export interface ReadManyDeps {
  api: GitHubApi;
  connection: string;
  keyPatterns?: KeyPatterns | undefined;
  clock: Clock;
}

interface Source<T> {
  pattern: RegExp;
  listPage: (repo: string, page: number) => Promise<Page<T>>;
  getOne: (repo: string, n: number) => Promise<T>;
  numberOf: (item: T) => number;
  toEvent: (ctx: ApiEventContext, repo: string, item: T) => Promise<SourceEvent>;
}

export async function readManyGitHub(
  deps: ReadManyDeps,
  kind: string,
  externalIds: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, SourceEvent>> {
  const { api } = deps;
  if (kind === 'pull_request') {
    return read(
      deps,
      {
        pattern: PR_ID,
        listPage: (repo, page) => api.listPulls(repo, page, 'desc', 'created'),
        getOne: (repo, n) => api.getPull(repo, n),
        numberOf: (pr) => pr.number,
        toEvent: (ctx, repo, pr) => pullRequestEvent(api, ctx, repo, pr),
      },
      externalIds,
      signal,
    );
  }
  if (kind === 'deployment') {
    return read(
      deps,
      {
        pattern: DEPLOYMENT_ID,
        listPage: (repo, page) => api.listDeployments(repo, page),
        getOne: (repo, id) => api.getDeployment(repo, id),
        numberOf: (d) => d.id,
        toEvent: (ctx, repo, d) => deploymentEvent(api, ctx, repo, d),
      },
      externalIds,
      signal,
    );
  }
  throw new UserError('github', `readMany: "${kind}" is not a record kind this connector reads`, {
    hint: `ask for one of ${READABLE_KINDS.join(', ')}`,
  });
}

async function read<T>(
  deps: ReadManyDeps,
  source: Source<T>,
  externalIds: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, SourceEvent>> {
  // repo → number → the external ids asking for it
  const byRepo = new Map<string, Map<number, string[]>>();
  for (const id of externalIds) {
    const m = source.pattern.exec(id);
    if (!m) continue; // not an id this connector makes: nothing can answer to it
    const numbers = byRepo.get(m[1]!) ?? new Map<number, string[]>();
    byRepo.set(m[1]!, numbers);
    numbers.set(Number(m[2]), [...(numbers.get(Number(m[2])) ?? []), id]);
  }
  const ctx: ApiEventContext = {
    connection: deps.connection,
    keyPatterns: deps.keyPatterns,
    receivedAt: deps.clock.now(),
    event: 'reconcile',
  };
  const out = new Map<string, SourceEvent>();
  for (const [repo, numbers] of byRepo) {
    const found = await findInRepo(source, repo, new Set(numbers.keys()), signal);
    for (const [n, item] of found) {
      signal?.throwIfAborted();
      const event = await source.toEvent(ctx, repo, item);
      for (const id of numbers.get(n) ?? []) out.set(id, { ...event, externalId: id });
    }
  }
  return out;
}

async function findInRepo<T>(
  source: Source<T>,
  repo: string,
  wanted: ReadonlySet<number>,
  signal?: AbortSignal,
): Promise<Map<number, T>> {
  const found = new Map<number, T>();
  const missing = new Set(wanted);
  // Listing costs a request per page, fetching one per record: once the pages read cost
  // as much as fetching what is still missing, fetch it.
  for (let page = 1; missing.size > page - 1; page++) {
    signal?.throwIfAborted();
    let res: Page<T>;
    try {
      res = await source.listPage(repo, page);
    } catch (error) {
      // The repository itself is gone or hidden from this token: so is everything in it.
      if (page === 1 && isGoneError(error)) return found;
      throw error;
    }
    for (const item of res.items) {
      const n = source.numberOf(item);
      if (missing.delete(n)) found.set(n, item);
    }
    const last = res.items[res.items.length - 1];
    // Newest first: past the lowest wanted number, the rest of the list cannot have it.
    if (!res.hasNext || !last || missing.size === 0) break;
    if (source.numberOf(last) < lowest(missing)) break;
  }
  // Not listed: deleted, hidden, or further down than it was worth paging. A record deleted
  // mid-scan shifts the list up a place, so even "passed it" gets a direct look.
  for (const n of missing) {
    signal?.throwIfAborted();
    try {
      found.set(n, await source.getOne(repo, n));
    } catch (error) {
      if (isGoneError(error)) continue;
      throw error;
    }
  }
  return found;
}

function lowest(numbers: ReadonlySet<number>): number {
  let min = Infinity;
  for (const n of numbers) if (n < min) min = n;
  return min;
}
