import type { CompiledMapping, FieldIssue, MappingSet } from '../mapping/index.js';
import type { SourceEvent } from '../model/index.js';
import { applyChangeRecord, type ApplyOutcome } from './apply-change.js';
import { applyApproval, applyCodeChange, applyDeployment, applyIncident } from './apply-records.js';
import { PermanentEventError, type ApplyContext } from './context.js';
import { applyPush } from './apply-push.js';
import { applyReviewEvent } from './apply-reviews.js';
import { GATE_EVENT_KINDS, recordGateRequest } from './gate-requests.js';
import { recordVersion } from './record-facts.js';

/**
 * One source event → canonical rows, inside the caller's transaction (DESIGN §2 "Process"):
 * map it with its system's mapping, then apply it by the mapping's target model.
 */
export interface Prepared {
  mapping: CompiledMapping;
  patch: Record<string, unknown>;
  issues: FieldIssue[];
}

/** Maps an event (pure); null when no mapping handles its kind. Memoised on the event. */
export function prepareEvent(
  ctx: Pick<ApplyContext, 'mappings' | 'settings'>,
  event: SourceEvent,
): Prepared | null {
  const known = prepared.get(event);
  if (known !== undefined) return known;
  const mapping = mappingOf(ctx.mappings, event, ctx.settings.defaultTenant);
  const result = mapping ? { mapping, ...mapping.map(event.payload) } : null;
  prepared.set(event, result);
  return result;
}

const prepared = new WeakMap<SourceEvent, Prepared | null>();

export async function applyEvent(ctx: ApplyContext, event: SourceEvent): Promise<ApplyOutcome> {
  if (event.event === 'unparseable') {
    throw new PermanentEventError(
      `the ${event.system} webhook body could not be understood (delivery ${event.deliveryKey}); see the payload in the dead letter`,
    );
  }
  if (GATE_EVENT_KINDS.has(event.kind)) return recordGateRequest(ctx, event);
  if (event.kind === 'pull_request_review') return applyReviewEvent(ctx, event);
  if (event.kind === 'push') return applyPush(ctx, event);
  const ready = prepareEvent(ctx, event);
  if (!ready) {
    return { outcome: 'ignored', reason: `no mapping for ${event.system} ${event.kind} records` };
  }
  const { mapping, patch, issues } = ready;
  const fatal = issues.filter((i) => mapping.fields.find((f) => f.name === i.field)?.required);
  if (fatal.length > 0 || (mapping.target === 'Change' && !('key' in patch))) {
    const list = (fatal.length > 0 ? fatal : issues)
      .map((i) => `${i.field} ${i.message}`)
      .join('; ');
    throw new PermanentEventError(
      `${event.system} ${event.kind} ${event.externalId ?? '(no id)'} cannot be mapped by ${mapping.files.join(' + ')}: ${list || 'key is missing'}`,
    );
  }
  for (const issue of issues) {
    ctx.logger.warn('sync.mapping_issue', {
      record: `${event.system}:${event.kind}:${event.externalId ?? ''}`,
      mapping: mapping.files.join(' + '),
      field: issue.field,
      problem: issue.message,
    });
  }
  switch (mapping.target) {
    case 'Change':
      return applyChangeRecord(
        ctx,
        event,
        mapping,
        patch,
        recordVersion(event.system, mapping.unwrapRecord(event.payload)),
      );
    case 'Approval':
      return applyApproval(ctx, event, mapping, patch);
    case 'CodeChange':
      return applyCodeChange(ctx, event, mapping, patch);
    case 'Deployment':
      return applyDeployment(ctx, event, mapping, patch);
    case 'Incident':
      return applyIncident(ctx, event, mapping, patch);
  }
}

function mappingOf(mappings: MappingSet, event: SourceEvent, tenant: string) {
  return mappings.get(event.system, event.kind, tenant);
}
