/**
 * Atlassian Document Format ↔ plain text. Only what text needs: paragraphs, hard breaks,
 * headings, lists, code blocks. Depth and size are bounded because ADF comes from outside.
 */
const MAX_DEPTH = 32;
const MAX_TEXT = 100_000;

const BLOCKS = new Set(['paragraph', 'heading', 'codeBlock', 'listItem', 'blockquote', 'rule']);

export function adfToText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  const out: string[] = [];
  let size = 0;
  const walk = (node: unknown, depth: number): void => {
    if (depth > MAX_DEPTH || size > MAX_TEXT || node === null || typeof node !== 'object') return;
    const n = node as { type?: unknown; text?: unknown; content?: unknown };
    if (n.type === 'text' && typeof n.text === 'string') {
      out.push(n.text);
      size += n.text.length;
    } else if (n.type === 'hardBreak') out.push('\n');
    if (Array.isArray(n.content)) for (const child of n.content) walk(child, depth + 1);
    if (typeof n.type === 'string' && BLOCKS.has(n.type)) out.push('\n');
  };
  walk(value, 0);
  const text = out.join('').replace(/\n+$/, '');
  return text.slice(0, MAX_TEXT);
}

export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: { type: 'paragraph'; content: { type: 'text'; text: string }[] }[];
}

/** One paragraph per line; empty lines become empty paragraphs (Jira's own behaviour). */
export function textToAdf(value: unknown): AdfDoc | null {
  if (value === null || value === undefined) return null;
  const text = String(value).slice(0, MAX_TEXT);
  return {
    type: 'doc',
    version: 1,
    content: text.split(/\r?\n/).map((line) => ({
      type: 'paragraph' as const,
      content: line ? [{ type: 'text' as const, text: line }] : [],
    })),
  };
}
