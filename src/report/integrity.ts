import { sha256Hex } from '../util/sha256.js';

/**
 * A report's own digest (docs/reports.md, "Integrity"). A file cannot contain the hash of
 * itself, so every rendering writes 64 zeros where the digest goes, the SHA-256 of that
 * text is computed, and every placeholder is then replaced by it. To check, replace the
 * digest by the placeholder again and recompute. CSV stays a clean spreadsheet: its digest
 * (of the file's plain bytes) and the audit head go into a `<file>.seal.json` sidecar.
 */
export const REPORT_DIGEST_PLACEHOLDER = '0'.repeat(64);

export type ReportFormat = 'html' | 'csv' | 'json';
export const REPORT_FORMATS: readonly ReportFormat[] = ['html', 'csv', 'json'];

export interface ReportSeal {
  sha256: string;
  auditHead: { seq: number; hash: string };
}

/** What `<report>.csv.seal.json` holds. */
export interface CsvSeal extends ReportSeal {
  file: string;
  generatedAt: string;
}

export const csvSealPath = (csvPath: string): string => `${csvPath}.seal.json`;

export function sealReport(text: string): { text: string; sha256: string } {
  if (!text.includes(REPORT_DIGEST_PLACEHOLDER)) {
    throw new Error(
      '[changebridge/report] the rendered report has no digest placeholder: the renderer must write REPORT_DIGEST_PLACEHOLDER where its SHA-256 goes',
    );
  }
  const sha256 = sha256Hex(text);
  return { text: text.replaceAll(REPORT_DIGEST_PLACEHOLDER, sha256), sha256 };
}

const HEX64 = /^[0-9a-f]{64}$/;
const EMBEDDED = /<script\b[^>]*\bid=["']changebridge-report["'][^>]*>([\s\S]*?)<\/script>/i;

function sealOf(value: unknown): ReportSeal | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as { sha256?: unknown; auditHead?: { seq?: unknown; hash?: unknown } };
  const head = v.auditHead;
  if (typeof v.sha256 !== 'string' || !HEX64.test(v.sha256)) return null;
  if (!head || typeof head.seq !== 'number' || typeof head.hash !== 'string') return null;
  return { sha256: v.sha256, auditHead: { seq: head.seq, hash: head.hash } };
}

/**
 * The digest and audit head a report states: the `integrity` key of a JSON report or of
 * the JSON an HTML report embeds (`<script type="application/json"
 * id="changebridge-report">`); for CSV, `text` is the sidecar's. Null: none found.
 */
export function readSeal(text: string, format: ReportFormat): ReportSeal | null {
  try {
    if (format === 'csv') return sealOf(JSON.parse(text));
    const json = format === 'html' ? EMBEDDED.exec(text)?.[1] : text;
    if (json === undefined) return null;
    return sealOf((JSON.parse(json) as { integrity?: unknown }).integrity);
  } catch {
    return null;
  }
}

/**
 * Recomputes a JSON or HTML report's digest: every occurrence of the stated digest back to
 * the placeholder, then SHA-256. Pass the file's bytes (a Buffer) to check them exactly;
 * they are handled as latin1, one character per byte, so nothing is re-encoded.
 */
export function checkSeal(
  content: string | Buffer,
  sha256: string,
): { ok: boolean; expected: string; actual: string } {
  const text = typeof content === 'string' ? content : content.toString('latin1');
  const unsealed = text.replaceAll(sha256, REPORT_DIGEST_PLACEHOLDER);
  const actual = sha256Hex(
    typeof content === 'string' ? unsealed : Buffer.from(unsealed, 'latin1'),
  );
  return { ok: actual === sha256, expected: sha256, actual };
}

/** The format a report file is in, by extension, else by its first characters. */
export function formatOf(path: string, content: string): ReportFormat {
  const ext = path.toLowerCase().split('.').pop();
  if (ext === 'json' || ext === 'csv') return ext;
  if (ext === 'html' || ext === 'htm') return 'html';
  const start = content.trimStart();
  if (start.startsWith('{')) return 'json';
  if (start.startsWith('<')) return 'html';
  return 'csv';
}
