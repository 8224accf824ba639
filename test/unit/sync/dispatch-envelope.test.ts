import { splitPayload } from '../../../src/sync/dispatch-envelope.js';

describe('splitPayload', () => {
  it('takes the echo mark off a payload that carries one', () => {
    expect(
      splitPayload({ text: 'hi', link: { changeId: 'c', recordId: 'r' }, desiredHash: 'h' }),
    ).toEqual({
      payload: { text: 'hi' },
      echo: { changeId: 'c', recordId: 'r', desiredHash: 'h', aspect: 'fields', base: null },
    });
  });

  it('leaves any other payload exactly as it is', () => {
    const incomplete = { text: 'hi', link: { changeId: 'c' }, desiredHash: 'h' };
    expect(splitPayload(incomplete)).toEqual({ payload: incomplete, echo: null });
    expect(splitPayload({ add: ['x'] })).toEqual({ payload: { add: ['x'] }, echo: null });
    expect(splitPayload(null)).toEqual({ payload: null, echo: null });
  });
});
