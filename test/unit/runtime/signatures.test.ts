import { createHmac } from 'node:crypto';
import { matchesAnySecret, safeEqual, verifyHubSignature } from '../../../src/runtime/index.js';

const body = Buffer.from('{"action":"opened"}');
const sign = (secret: string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('webhook signatures', () => {
  it('safeEqual compares content, whatever the lengths', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('', '')).toBe(true);
  });

  it('accepts a signature made with any configured secret (rotation)', () => {
    expect(verifyHubSignature(['old-secret', 'new-secret'], body, sign('new-secret'))).toBe(true);
    expect(verifyHubSignature(['old-secret', 'new-secret'], body, sign('old-secret'))).toBe(true);
  });

  it('rejects a wrong secret, a tampered body, a missing header and an empty secret list', () => {
    expect(verifyHubSignature(['s1'], body, sign('other'))).toBe(false);
    expect(verifyHubSignature(['s1'], Buffer.from('{"action":"closed"}'), sign('s1'))).toBe(false);
    expect(verifyHubSignature(['s1'], body, undefined)).toBe(false);
    expect(verifyHubSignature([], body, sign('s1'))).toBe(false);
  });

  it('matchesAnySecret supports plain shared tokens (GitLab X-Gitlab-Token)', () => {
    expect(matchesAnySecret(['t1', 't2'], 't2', (s) => s)).toBe(true);
    expect(matchesAnySecret(['t1'], 't', (s) => s)).toBe(false);
  });
});
