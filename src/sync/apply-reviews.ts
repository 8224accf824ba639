import { z } from 'zod';
import { isReviewVerdict, sourceId, type Review, type SourceEvent } from '../model/index.js';
import type { ApplyOutcome } from './apply-change.js';
import type { ApplyContext } from './context.js';
import { resolvePersonId } from './people.js';
import { flush, linksOfRecord } from './tx-cache.js';

/**
 * Pull request reviews (DESIGN §3 CodeChange.reviewers): separation of duties needs to know
 * who approved the code. A polled pull request carries all its reviews; a webhook brings
 * one `pull_request_review` at a time, merged into the stored pull request.
 */
const reviewSchema = z.object({
  reviewer: z.string().min(1).nullable(),
  verdict: z.string(),
  submittedAt: z.string().nullable(),
});

export type ReviewInput = z.infer<typeof reviewSchema>;

/** The reviews a polled record lists, as Person-resolved reviews; null when it has none. */
export async function reviewsOf(
  ctx: ApplyContext,
  system: string,
  record: unknown,
): Promise<Review[] | null> {
  // GitHub events keep the normalised pull request under `record` (mappings read record.*).
  type WithReviews = { reviews?: unknown; record?: { reviews?: unknown } } | null;
  const r = record as WithReviews;
  const raw = r?.reviews ?? r?.record?.reviews;
  if (!Array.isArray(raw)) return null;
  const out: Review[] = [];
  for (const item of raw) {
    const r = reviewSchema.safeParse(item);
    if (r.success) {
      const review = await toReview(ctx, system, r.data);
      if (review) out.push(review);
    }
  }
  return out;
}

async function toReview(ctx: ApplyContext, system: string, r: ReviewInput): Promise<Review | null> {
  if (!r.reviewer || !isReviewVerdict(r.verdict)) return null;
  const reviewer = await resolvePersonId(ctx, `${system}:${r.reviewer}`, null);
  if (!reviewer) return null;
  const at = r.submittedAt ? new Date(r.submittedAt) : null;
  return { reviewer, verdict: r.verdict, at: at && !Number.isNaN(at.getTime()) ? at : null };
}

const reviewEventSchema = z.object({ record: z.object({ review: reviewSchema }) });

/** One review from a webhook, merged into its stored pull request. */
export async function applyReviewEvent(
  ctx: ApplyContext,
  event: SourceEvent,
): Promise<ApplyOutcome> {
  await flush(ctx);
  const parsed = reviewEventSchema.safeParse(event.payload);
  if (!parsed.success) return { outcome: 'ignored', reason: 'the review event carries no review' };
  const id = sourceId({
    system: event.system,
    kind: 'pull_request',
    connection: event.connection,
    externalId: event.externalId ?? '',
  });
  const { store, m } = ctx;
  const cc = await store.codeChanges.get(id, m);
  // The next poll of the pull request brings every review with it.
  if (!cc) return { outcome: 'ignored', reason: `pull request ${id} is not known yet` };
  const review = await toReview(ctx, event.system, parsed.data.record.review);
  if (!review) return { outcome: 'ignored', reason: 'the review names no reviewer or verdict' };
  const same = (r: Review) =>
    r.reviewer === review.reviewer && (r.at?.getTime() ?? 0) === (review.at?.getTime() ?? 0);
  if (cc.reviewers.some(same))
    return { outcome: 'ignored', reason: 'the review is already recorded' };
  await store.codeChanges.upsert(
    { ...cc, reviewers: [...cc.reviewers, review], updatedAt: ctx.now },
    m,
  );
  ctx.audit.push({
    actor: `${event.system}:${event.connection}`,
    action: 'code_change.reviewed',
    subject: `${cc.repo}#${cc.number}`,
    data: { record: id, reviewer: review.reviewer, verdict: review.verdict },
  });
  for (const l of await linksOfRecord(ctx, id)) ctx.touched.add(l.changeId);
  return { outcome: 'applied' };
}
