import {
  comparePositions,
  decodeCursor,
  encodeCursor,
} from '../../../connectors/servicenow/cursor.js';

describe('poll cursor', () => {
  const id = 'a'.repeat(32);

  it('round-trips and is opaque', () => {
    const c = encodeCursor({ ts: '2026-03-01 10:00:00', id });
    expect(c).not.toContain('2026');
    expect(decodeCursor(c, 'change_request')).toEqual({ ts: '2026-03-01 10:00:00', id });
    expect(decodeCursor(encodeCursor({ ts: '2026-03-01 10:00:00', id: '' }), 'x').id).toBe('');
  });

  it.each([
    ['garbage', 'not-a-cursor!!'],
    ['a number', Buffer.from('42').toString('base64url')],
    [
      'a wrong version',
      Buffer.from(JSON.stringify({ v: 2, ts: '2026-03-01 10:00:00', id: '' })).toString(
        'base64url',
      ),
    ],
    [
      'an ISO time',
      Buffer.from(JSON.stringify({ v: 1, ts: '2026-03-01T10:00:00Z', id: '' })).toString(
        'base64url',
      ),
    ],
    [
      'an impossible date',
      Buffer.from(JSON.stringify({ v: 1, ts: '2026-02-30 10:00:00', id: '' })).toString(
        'base64url',
      ),
    ],
    [
      'a bad sys_id',
      Buffer.from(JSON.stringify({ v: 1, ts: '2026-03-01 10:00:00', id: 'x^NQ' })).toString(
        'base64url',
      ),
    ],
  ])('rejects %s with a clear error', (_n, value) => {
    expect(() => decodeCursor(value, 'incident')).toThrow(
      /stored cursor of stream incident is invalid/,
    );
  });

  it('orders by time, then sys_id, "" first', () => {
    expect(
      comparePositions({ ts: '2026-03-01 10:00:00', id }, { ts: '2026-03-01 10:00:01', id: '' }),
    ).toBeLessThan(0);
    expect(
      comparePositions({ ts: '2026-03-01 10:00:00', id: '' }, { ts: '2026-03-01 10:00:00', id }),
    ).toBeLessThan(0);
    expect(
      comparePositions({ ts: '2026-03-01 10:00:00', id }, { ts: '2026-03-01 10:00:00', id }),
    ).toBe(0);
  });
});
