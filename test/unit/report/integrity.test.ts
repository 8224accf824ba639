import { createHash } from 'node:crypto';
import {
  checkSeal,
  formatOf,
  readSeal,
  REPORT_DIGEST_PLACEHOLDER,
  sealReport,
} from '../../../src/report/integrity.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const head = { seq: 7, hash: 'b'.repeat(64) };

describe('report seal', () => {
  const template = `${JSON.stringify({ data: 'ünï ✓', integrity: { auditHead: head, sha256: REPORT_DIGEST_PLACEHOLDER } }, null, 2)}\n`;

  it('replaces every placeholder with the SHA-256 of the text that held them', () => {
    const html = `<p>${REPORT_DIGEST_PLACEHOLDER}</p><script type="application/json" id="changebridge-report">{"integrity":{"auditHead":{"seq":7,"hash":"${head.hash}"},"sha256":"${REPORT_DIGEST_PLACEHOLDER}"}}</script>`;
    const sealed = sealReport(html);
    expect(sealed.sha256).toBe(sha(html));
    expect(sealed.text).not.toContain(REPORT_DIGEST_PLACEHOLDER);
    expect(sealed.text.split(sealed.sha256)).toHaveLength(3);
    expect(readSeal(sealed.text, 'html')).toEqual({ sha256: sealed.sha256, auditHead: head });
    expect(checkSeal(sealed.text, sealed.sha256).ok).toBe(true);
  });

  it('a JSON report verifies as text and as bytes; one changed character fails', () => {
    const { text, sha256 } = sealReport(template);
    const seal = readSeal(text, 'json');
    expect(seal).toEqual({ sha256, auditHead: head });
    expect(checkSeal(text, sha256).ok).toBe(true);
    expect(checkSeal(Buffer.from(text, 'utf8'), sha256).ok).toBe(true);
    const tampered = text.replace('ünï', 'üni');
    expect(checkSeal(tampered, sha256)).toMatchObject({ ok: false, expected: sha256 });
    expect(checkSeal(Buffer.from(tampered, 'utf8'), sha256).ok).toBe(false);
  });

  it('refuses a rendering without a placeholder', () => {
    expect(() => sealReport('{}')).toThrow(/placeholder/);
  });

  it('reads a CSV sidecar; null when there is no seal', () => {
    expect(
      readSeal(
        JSON.stringify({
          file: 'r.csv',
          sha256: 'c'.repeat(64),
          auditHead: head,
          generatedAt: 'x',
        }),
        'csv',
      ),
    ).toEqual({ sha256: 'c'.repeat(64), auditHead: head });
    expect(readSeal('not json', 'json')).toBeNull();
    expect(readSeal('<html></html>', 'html')).toBeNull();
    expect(
      readSeal('{"integrity":{"sha256":"short","auditHead":{"seq":1,"hash":"x"}}}', 'json'),
    ).toBeNull();
  });

  it.each([
    ['r.json', '', 'json'],
    ['r.HTML', '', 'html'],
    ['r.htm', '', 'html'],
    ['r.csv', '', 'csv'],
    ['report', ' {"a":1}', 'json'],
    ['report', '<!doctype html>', 'html'],
    ['report', 'row_type,key', 'csv'],
  ])('formatOf(%j, %j) = %s', (path, content, format) => {
    expect(formatOf(path, content)).toBe(format);
  });
});
