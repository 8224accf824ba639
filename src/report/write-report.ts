import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { renderCsv } from './csv.js';
import { renderHtml } from './html.js';
import {
  csvSealPath,
  REPORT_DIGEST_PLACEHOLDER,
  sealReport,
  type CsvSeal,
  type ReportFormat,
} from './integrity.js';
import { sha256Hex } from '../util/sha256.js';
import { renderJson } from './json.js';
import type { ReportData } from './model.js';

export interface RenderedReport {
  format: ReportFormat;
  text: string;
  sha256: string;
}

/** The report in one format, sealed (JSON, HTML) or digested (CSV). Pure. */
export function renderReport(data: ReportData, format: ReportFormat): RenderedReport {
  if (format === 'csv') {
    const text = renderCsv(data);
    return { format, text, sha256: sha256Hex(text) };
  }
  const integrity = { auditHead: data.auditHead, sha256: REPORT_DIGEST_PLACEHOLDER };
  const sealed = sealReport(
    format === 'json' ? renderJson(data, integrity) : renderHtml(data, integrity),
  );
  return { format, ...sealed };
}

export interface WrittenReport {
  path: string;
  format: ReportFormat;
  sha256: string;
  /** CSV only: the sidecar holding its digest and the audit head. */
  sealPath: string | null;
}

/** `changebridge-report-<from>-<to>.<ext>`, dates as YYYY-MM-DD (UTC). */
export function reportFileName(data: Pick<ReportData, 'period'>, format: ReportFormat): string {
  const day = (iso: string) => iso.slice(0, 10);
  return `changebridge-report-${day(data.period.from)}-${day(data.period.to)}.${format}`;
}

/** Renders and writes one report file (and a CSV's seal sidecar), creating the folder. */
export async function writeReport(
  data: ReportData,
  format: ReportFormat,
  path: string,
): Promise<WrittenReport> {
  const rendered = renderReport(data, format);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, rendered.text, 'utf8');
  let sealPath: string | null = null;
  if (format === 'csv') {
    sealPath = csvSealPath(path);
    const seal: CsvSeal = {
      file: basename(path),
      sha256: rendered.sha256,
      auditHead: data.auditHead,
      generatedAt: data.generatedAt,
    };
    await writeFile(sealPath, `${JSON.stringify(seal, null, 2)}\n`, 'utf8');
  }
  return { path, format, sha256: rendered.sha256, sealPath };
}
