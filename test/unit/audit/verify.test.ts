import { createHash } from 'node:crypto';
import { auditHash, ChainVerifier, type StoredAuditRow } from '../../../src/audit/index.js';
import { GENESIS_HASH } from '../../../src/model/index.js';

const at = new Date('2026-01-01T00:00:00.000Z');

function chain(n: number): StoredAuditRow[] {
  const rows: StoredAuditRow[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const row = {
      seq,
      at,
      actor: 'a',
      action: 'b',
      subject: 'c',
      data: `{"seq":${seq}}`,
      prevHash: prev,
      hash: '',
    };
    row.hash = auditHash({ ...row, dataJson: row.data });
    prev = row.hash;
    rows.push(row);
  }
  return rows;
}

describe('audit hash', () => {
  it('is SHA-256 over the documented JSON array, so anyone can recompute it', () => {
    const preimage = `["${GENESIS_HASH}",1,"2026-01-01T00:00:00.000Z","a","b","c",{"seq":1}]`;
    expect(chain(1)[0]!.hash).toBe(createHash('sha256').update(preimage).digest('hex'));
  });

  it('cannot be confused by moving text between fields', () => {
    const base = { prevHash: GENESIS_HASH, seq: 1, at, dataJson: 'null' };
    expect(auditHash({ ...base, actor: 'a","b', action: 'c', subject: 'd' })).not.toBe(
      auditHash({ ...base, actor: 'a', action: 'b","c', subject: 'd' }),
    );
  });
});

describe('ChainVerifier', () => {
  it('accepts a good chain with a matching tip', () => {
    const rows = chain(3);
    const v = new ChainVerifier();
    rows.forEach((r) => v.push(r));
    expect(v.finish({ seq: 3, hash: rows[2]!.hash })).toEqual({ ok: true, checked: 3, lastSeq: 3 });
  });

  it('reports a duplicated seq as unexpected', () => {
    const rows = chain(3);
    const v = new ChainVerifier();
    [rows[0]!, rows[1]!, rows[1]!].forEach((r) => v.push(r));
    expect(v.finish(null).firstBad).toMatchObject({ seq: 2, problem: 'unexpected' });
  });

  it('reports a tip hash that does not match the last row', () => {
    const rows = chain(2);
    const v = new ChainVerifier();
    rows.forEach((r) => v.push(r));
    expect(v.finish({ seq: 2, hash: 'f'.repeat(64) }).firstBad).toMatchObject({
      seq: 2,
      problem: 'tip-mismatch',
    });
  });

  it('reports data that is not JSON', () => {
    const [row] = chain(1);
    const v = new ChainVerifier();
    v.push({ ...row!, data: '{nope' });
    expect(v.finish(null).firstBad).toMatchObject({
      seq: 1,
      problem: 'not-canonical',
      detail: 'data is not valid JSON',
    });
  });
});
