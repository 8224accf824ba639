import { createHash } from 'node:crypto';
import { sha256Hex } from '../../../src/util/sha256.js';

describe('sha256Hex', () => {
  it('is the published SHA-256 of the empty string and of "abc"', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it.each(['[null,1,"2026-11-21T10:00:00.000Z"]', 'CHG0031337 Größe ✓ 変更', '\u{1F600}'])(
    'hashes text as UTF-8, like createHash (%s)',
    (text) => {
      expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
      expect(sha256Hex(Buffer.from(text, 'utf8'))).toBe(sha256Hex(text));
    },
  );
});
