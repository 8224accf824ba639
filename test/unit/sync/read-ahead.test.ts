import { readAhead } from '../../../src/sync/backfill.js';

/**
 * A page source whose request for page n+1 only leaves after one event-loop turn (as an
 * HTTP request does: the socket write waits for the loop), recording what happened when.
 */
function pages(count: number, log: string[]): AsyncIterable<number> {
  return (async function* () {
    for (let n = 1; n <= count; n++) {
      log.push(`request ${n}`);
      await new Promise((r) => setImmediate(r));
      log.push(`sent ${n}`);
      yield n;
    }
  })();
}

describe('readAhead', () => {
  it('has the next page requested and sent before the caller works on the current one', async () => {
    const log: string[] = [];
    for await (const page of readAhead(pages(3, log))) {
      // The caller's work here never yields to the loop (a synchronous database driver):
      // the next page's request must already be on its way.
      log.push(`apply ${page}`);
    }
    expect(log).toEqual([
      'request 1',
      'sent 1',
      'request 2',
      'sent 2',
      'apply 1',
      'request 3',
      'sent 3',
      'apply 2',
      'apply 3',
    ]);
  });

  it('holds at most one page beyond the one being applied', async () => {
    const log: string[] = [];
    const seen: number[] = [];
    for await (const page of readAhead(pages(5, log))) {
      const requested = log.filter((l) => l.startsWith('request')).length;
      expect(requested).toBeLessThanOrEqual(page + 1);
      seen.push(page);
    }
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('surfaces a failing prefetch where the caller awaits it, after the pages before it', async () => {
    async function* failing(): AsyncGenerator<number> {
      yield 1;
      throw new Error('page 2 failed');
    }
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const page of readAhead(failing())) seen.push(page);
      })(),
    ).rejects.toThrow('page 2 failed');
    expect(seen).toEqual([1]);
  });
});
