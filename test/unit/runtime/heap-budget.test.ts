import v8 from 'node:v8';
import { keepHeapUnder } from '../../../src/runtime/heap-budget.js';

const used = () => v8.getHeapStatistics().used_heap_size;

describe('keepHeapUnder', () => {
  it('does nothing while the used heap is within the budget', () => {
    expect(keepHeapUnder(Number.MAX_SAFE_INTEGER)).toBe(false);
  });

  it('collects garbage at once when the used heap is over the budget', () => {
    let garbage: number[][] | null = Array.from({ length: 400 }, () =>
      Array.from({ length: 10_000 }, (_, i) => i + 0.5),
    );
    const withGarbage = used();
    expect(garbage.length).toBe(400);
    garbage = null;
    expect(keepHeapUnder(1)).toBe(true);
    // About 32 MB of doubles were unreachable; a full collection frees them.
    expect(withGarbage - used()).toBeGreaterThan(20 * 1024 * 1024);
  });
});
