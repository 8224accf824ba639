import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * A heap budget for bulk work (backfill). V8 defers full collections while a program
 * allocates fast and rarely idles, so garbage piles up: a 100,000-record backfill whose
 * live heap is about 60 MB was seen reaching 480 MB of used heap, and its RSS with it,
 * in some runs and not in others. Between units of work (a committed transaction) the
 * caller asks `keepHeapUnder`, which collects at once when the used heap is over the
 * budget: a full collection of the live set costs tens of milliseconds.
 */
type Collect = () => void;

let collector: Collect | null | undefined;

function collect(): Collect | null {
  if (collector !== undefined) return collector;
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return (collector = exposed as Collect);
  try {
    // The documented V8 flag, turned on for the collector function only (not a global).
    v8.setFlagsFromString('--expose-gc');
    const gc: unknown = vm.runInNewContext('gc');
    collector = typeof gc === 'function' ? (gc as Collect) : null;
  } catch {
    collector = null;
  }
  return collector;
}

/** Collects garbage now when the used heap exceeds `budgetBytes`; true when it did. */
export function keepHeapUnder(budgetBytes: number): boolean {
  if (v8.getHeapStatistics().used_heap_size <= budgetBytes) return false;
  const gc = collect();
  if (!gc) return false;
  gc();
  return true;
}
