import { readFile } from 'node:fs/promises';
import type { AuditLog } from '../audit/index.js';
import type { Database } from '../store/index.js';
import {
  checkSeal,
  csvSealPath,
  formatOf,
  readSeal,
  type ReportFormat,
  type ReportSeal,
} from './integrity.js';
import { sha256Hex } from '../util/sha256.js';

/**
 * `audit verify --report <file>` (docs/reports.md, "Integrity"): the report still has the
 * digest it states (nobody edited it), and the audit log still has the head the report
 * states, reached by an intact chain (nobody edited the log behind it).
 */
export interface ReportCheck {
  name: 'seal' | 'digest' | 'chain' | 'head';
  ok: boolean;
  detail: string;
}

export interface ReportVerification {
  ok: boolean;
  file: string;
  format: ReportFormat;
  seal: ReportSeal | null;
  checks: ReportCheck[];
}

export async function verifyReport(
  file: string,
  deps: { db: Database; audit: Pick<AuditLog, 'verify'> },
): Promise<ReportVerification> {
  const bytes = await readFile(file);
  const format = formatOf(file, bytes.toString('utf8', 0, 64));
  const checks: ReportCheck[] = [];
  const done = (seal: ReportSeal | null): ReportVerification => ({
    ok: checks.every((c) => c.ok),
    file,
    format,
    seal,
    checks,
  });

  let seal: ReportSeal | null;
  if (format === 'csv') {
    const sidecar = csvSealPath(file);
    const text = await readFile(sidecar, 'utf8').catch(() => null);
    seal = text === null ? null : readSeal(text, 'csv');
    if (!seal) {
      checks.push({
        name: 'seal',
        ok: false,
        detail: `no readable seal in ${sidecar}: a CSV report is verified against the .seal.json written beside it`,
      });
      return done(null);
    }
    const actual = sha256Hex(bytes);
    checks.push({
      name: 'digest',
      ok: actual === seal.sha256,
      detail:
        actual === seal.sha256
          ? `SHA-256 ${actual} matches ${sidecar}`
          : `SHA-256 of the file is ${actual}, its seal says ${seal.sha256}: the file was changed after it was generated`,
    });
  } else {
    seal = readSeal(bytes.toString('utf8'), format);
    if (!seal) {
      checks.push({
        name: 'seal',
        ok: false,
        detail: `no integrity block found in this ${format} report`,
      });
      return done(null);
    }
    const result = checkSeal(bytes, seal.sha256);
    checks.push({
      name: 'digest',
      ok: result.ok,
      detail: result.ok
        ? `SHA-256 ${result.actual} matches the digest the report states`
        : `digest mismatch: the report states ${result.expected}, its content hashes to ${result.actual}: the report was changed after it was generated`,
    });
  }

  const head = seal.auditHead;
  const chain = await deps.audit.verify();
  const chainOk = chain.ok || (chain.firstBad !== undefined && chain.firstBad.seq > head.seq);
  checks.push({
    name: 'chain',
    ok: chainOk,
    detail: chainOk
      ? `audit chain intact up to seq ${head.seq}`
      : `audit chain broken at seq ${chain.firstBad!.seq} (${chain.firstBad!.problem}: ${chain.firstBad!.detail}), at or before the report's head seq ${head.seq}`,
  });
  if (head.seq === 0) {
    checks.push({
      name: 'head',
      ok: true,
      detail: 'the report was generated on an empty audit log (seq 0)',
    });
    return done(seal);
  }
  const [row] = (await deps.db.run((m) =>
    m.query('SELECT hash FROM audit_events WHERE seq = ?', [head.seq]),
  )) as { hash: string }[];
  const headOk = row?.hash === head.hash;
  checks.push({
    name: 'head',
    ok: headOk,
    detail: headOk
      ? `audit seq ${head.seq} has hash ${head.hash}, as the report states`
      : row
        ? `audit seq ${head.seq} has hash ${row.hash}, the report states ${head.hash}`
        : `audit seq ${head.seq} is not in the audit log`,
  });
  return done(seal);
}
