/** `findings list` (DESIGN §6, §9): the stored findings matching a filter, with their change keys. */
import { In, type EntityManager, type FindOptionsWhere } from 'typeorm';
import { isWaived, type Finding, type FindingStatus } from '../../model/index.js';
import { ChangeEntity, type Store } from '../../store/index.js';
import { withDates } from './finding-dates.js';

export interface FindingFilter {
  /** A change key (or, for findings without a change, their subject). */
  change?: string;
  status: FindingStatus | 'all';
  policy?: string;
}

export interface ListedFinding extends Finding {
  /** The change's current key (a Jira-only change's key becomes its change number). */
  changeKey: string | null;
  /** False for a `waived` finding whose waiver has expired (it re-opens on re-evaluation). */
  waiverInForce: boolean;
}

/** Findings matching the filter, by change key, then policy, then id. */
export async function listFindings(
  store: Store,
  filter: FindingFilter,
  now: Date,
): Promise<ListedFinding[]> {
  return store.db.run(async (m) => {
    const where: FindOptionsWhere<Finding> = {};
    if (filter.status !== 'all') where.status = filter.status;
    if (filter.policy) where.policy = filter.policy;
    if (filter.change) {
      const change = await store.changes.findByKey(filter.change, m);
      if (change) where.changeId = change.id;
      else where.subject = filter.change;
    }
    const found = (await store.findings.find(where, m)).map(withDates);
    const keys = await changeKeys(
      m,
      found.map((f) => f.changeId).filter((id): id is string => id !== null),
    );
    return found
      .map((f) => ({
        ...f,
        changeKey: f.changeId ? (keys.get(f.changeId) ?? f.subject) : null,
        waiverInForce: isWaived(f, now),
      }))
      .sort(
        (a, b) =>
          (a.changeKey ?? a.subject).localeCompare(b.changeKey ?? b.subject) ||
          a.policy.localeCompare(b.policy) ||
          a.id.localeCompare(b.id),
      );
  });
}

async function changeKeys(m: EntityManager, ids: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await m.getRepository(ChangeEntity).find({
      select: { id: true, key: true },
      where: { id: In(unique.slice(i, i + 500)) },
    });
    for (const r of rows) out.set(r.id, r.key);
  }
  return out;
}
