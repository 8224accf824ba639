import { z } from 'zod';

/**
 * Keys the planner may put at the top of an outbox payload for the dispatcher itself, not
 * for the connector: which link the write is for and the hash of the values it writes.
 * On success the dispatcher records `desiredHash` as that link's lastWrittenHash in the
 * same transaction that completes the command, so the write's echo is recognised
 * (DESIGN §5). They are taken off before the connector sees the payload: Jira's payload
 * schemas are strict and would refuse unknown keys.
 */
const echoSchema = z.object({
  link: z.object({ changeId: z.string().min(1), recordId: z.string().min(1) }),
  desiredHash: z.string().min(1),
  /** Which write-back aspect of the link this command realises; default `fields`. */
  aspect: z.string().min(1).optional(),
  /** `fields` only: the values written, which become the link's merge base. */
  base: z.record(z.string(), z.unknown()).optional(),
});

export const ENVELOPE_KEYS = ['link', 'desiredHash', 'aspect', 'base'] as const;

export interface EchoMark {
  changeId: string;
  recordId: string;
  desiredHash: string;
  aspect: string;
  base: Record<string, unknown> | null;
}

export interface SplitPayload {
  /** What the connector gets. */
  payload: unknown;
  /** Null when the command is not tied to a link (nothing to record for echo suppression). */
  echo: EchoMark | null;
}

export function splitPayload(payload: unknown): SplitPayload {
  const parsed = echoSchema.safeParse(payload);
  if (!parsed.success) return { payload, echo: null };
  const rest = Object.entries(payload as Record<string, unknown>).filter(
    ([key]) => !(ENVELOPE_KEYS as readonly string[]).includes(key),
  );
  return {
    payload: Object.fromEntries(rest),
    echo: {
      changeId: parsed.data.link.changeId,
      recordId: parsed.data.link.recordId,
      desiredHash: parsed.data.desiredHash,
      aspect: parsed.data.aspect ?? 'fields',
      base: parsed.data.base ?? null,
    },
  };
}
