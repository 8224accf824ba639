import { AuditLog, auditHash } from '../../../src/audit/index.js';
import { Database } from '../../../src/store/index.js';
import {
  describeEachDatabase,
  useTestDatabase,
  type TestDialect,
} from '../../support/databases.js';

const T0 = new Date('2026-03-01T10:00:00.123Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

/** What an attacker with direct database access would do: first lift the append-only guard. */
async function dropGuards(db: Database): Promise<void> {
  await db.dataSource.query('DROP TRIGGER IF EXISTS audit_events_no_update');
  await db.dataSource.query('DROP TRIGGER IF EXISTS audit_events_no_delete');
}

async function seedChain(dialect: TestDialect, handle: ReturnType<typeof useTestDatabase>, n = 10) {
  const log = new AuditLog(handle.get());
  for (let i = 1; i <= n; i++) {
    await log.append(
      [
        {
          actor: 'system:sync',
          action: 'change.updated',
          subject: `CHG${i}`,
          data: { i, dialect },
        },
      ],
      at(i),
    );
  }
  return log;
}

describeEachDatabase('audit chain', (dialect) => {
  describe('append and verify', () => {
    const handle = useTestDatabase(dialect);

    it('an empty chain verifies', async () => {
      expect(await new AuditLog(handle.get()).verify()).toEqual({
        ok: true,
        checked: 0,
        lastSeq: 0,
      });
    });

    it('appends linked events and verifies them in batches', async () => {
      const log = new AuditLog(handle.get());
      const [a, b] = await log.append(
        [
          {
            actor: 'system:sync',
            action: 'change.created',
            subject: 'CHG0030001',
            data: { title: 'ünï ✓', n: 1 },
          },
          { actor: 'person:p-1', action: 'finding.waived', subject: 'CHG0030001' },
        ],
        T0,
      );
      expect(a).toMatchObject({ seq: 1, prevHash: '0'.repeat(64) });
      expect(b).toMatchObject({ seq: 2, prevHash: a!.hash, data: null });
      await seedChain(dialect, handle, 5);
      expect(await log.verify({ batchSize: 2 })).toEqual({ ok: true, checked: 7, lastSeq: 7 });
    });

    it('the database itself refuses UPDATE and DELETE on audit rows', async () => {
      const db = handle.get();
      await expect(
        db.dataSource.query("UPDATE audit_events SET actor = 'x' WHERE seq = 1"),
      ).rejects.toThrow(/append-only/);
      await expect(db.dataSource.query('DELETE FROM audit_events WHERE seq = 1')).rejects.toThrow(
        /append-only/,
      );
    });

    it('concurrent appenders never fork the chain', async () => {
      const extra =
        dialect === 'mysql'
          ? await Promise.all([1, 2, 3].map(() => Database.open({ url: handle.test().url })))
          : [];
      const logs = [handle.get(), ...extra].map((db) => new AuditLog(db));
      try {
        await Promise.all(
          Array.from({ length: 40 }, (_, i) =>
            logs[i % logs.length]!.append(
              [{ actor: `system:w${i}`, action: 'x', subject: `s${i}`, data: { i } }],
              at(i),
            ),
          ),
        );
        const result = await logs[0]!.verify();
        expect(result).toMatchObject({ ok: true, lastSeq: 47, checked: 47 });
      } finally {
        await Promise.all(extra.map((d) => d.close()));
      }
    });
  });

  describe('tampering is caught and the first bad seq named', () => {
    const handle = useTestDatabase(dialect);
    let log: AuditLog;
    beforeEach(async () => {
      const db = handle.get();
      await dropGuards(db);
      await db.dataSource.query('DELETE FROM audit_events');
      await db.dataSource.query('UPDATE audit_head SET seq = 0, hash = ? WHERE id = 1', [
        '0'.repeat(64),
      ]);
      log = await seedChain(dialect, handle, 10);
      expect((await log.verify()).ok).toBe(true);
    });
    const q = (sql: string, params: unknown[] = []) => handle.get().dataSource.query(sql, params);

    it('altered data', async () => {
      await q(`UPDATE audit_events SET data = ? WHERE seq = 4`, ['{"dialect":"x","i":999}']);
      expect((await log.verify()).firstBad).toMatchObject({ seq: 4, problem: 'altered' });
    });

    it('altered actor', async () => {
      await q(`UPDATE audit_events SET actor = 'person:mallory' WHERE seq = 7`);
      expect((await log.verify()).firstBad).toMatchObject({ seq: 7, problem: 'altered' });
    });

    it('deleted row in the middle', async () => {
      await q('DELETE FROM audit_events WHERE seq = 5');
      expect((await log.verify()).firstBad).toMatchObject({ seq: 5, problem: 'missing' });
    });

    it('deleted rows at the end', async () => {
      await q('DELETE FROM audit_events WHERE seq >= 9');
      expect((await log.verify()).firstBad).toMatchObject({ seq: 9, problem: 'truncated' });
    });

    it('inserted row in the middle (renumbering the rest)', async () => {
      await q('UPDATE audit_events SET seq = seq + 100 WHERE seq >= 6');
      await q('UPDATE audit_events SET seq = seq - 99 WHERE seq >= 106');
      await q(
        'INSERT INTO audit_events (seq, at, actor, action, subject, data, prev_hash, hash) VALUES (6, ?, ?, ?, ?, ?, ?, ?)',
        [handle.get().sqlDate(at(6)), 'system:x', 'x', 'x', '{}', 'f'.repeat(64), 'e'.repeat(64)],
      );
      expect((await log.verify()).firstBad).toMatchObject({ seq: 6, problem: 'broken-link' });
    });

    it('inserted row at the end, even with a correctly computed hash', async () => {
      const [tip] = await q('SELECT hash FROM audit_events WHERE seq = 10');
      const forged = {
        prevHash: tip.hash,
        seq: 11,
        at: at(11),
        actor: 'system:x',
        action: 'x',
        subject: 'x',
        dataJson: '{}',
      };
      await q(
        'INSERT INTO audit_events (seq, at, actor, action, subject, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [
          11,
          handle.get().sqlDate(forged.at),
          'system:x',
          'x',
          'x',
          '{}',
          forged.prevHash,
          auditHash(forged),
        ],
      );
      expect((await log.verify()).firstBad).toMatchObject({ seq: 11, problem: 'tip-mismatch' });
    });

    it('reordered rows', async () => {
      await q('UPDATE audit_events SET seq = 1000 WHERE seq = 3');
      await q('UPDATE audit_events SET seq = 3 WHERE seq = 4');
      await q('UPDATE audit_events SET seq = 4 WHERE seq = 1000');
      expect((await log.verify()).firstBad).toMatchObject({ seq: 3, problem: 'broken-link' });
    });

    it('data rewritten in a non-canonical but equivalent form', async () => {
      const [row] = await q('SELECT data FROM audit_events WHERE seq = 2');
      await q('UPDATE audit_events SET data = ? WHERE seq = 2', [
        JSON.stringify(JSON.parse(row.data), null, 1),
      ]);
      expect((await log.verify()).firstBad).toMatchObject({ seq: 2, problem: 'not-canonical' });
    });
  });
});
