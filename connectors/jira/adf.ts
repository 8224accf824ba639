/**
 * Markdown-ish text → Atlassian Document Format (the v3 API's rich text). Supported:
 * paragraphs (blank-line separated), `# `/`## `/`### ` headings, `- `/`* ` bullet lists,
 * `**bold**`, `` `code` `` and `[text](https://…)` links. Everything else is plain text,
 * so user-controlled strings can never produce anything but text nodes.
 */

export interface AdfMark {
  type: 'strong' | 'code' | 'link';
  attrs?: { href: string };
}

export interface AdfText {
  type: 'text';
  text: string;
  marks?: AdfMark[];
}

export type AdfNode =
  | { type: 'paragraph'; content: AdfText[] }
  | { type: 'heading'; attrs: { level: number }; content: AdfText[] }
  | {
      type: 'bulletList';
      content: { type: 'listItem'; content: { type: 'paragraph'; content: AdfText[] }[] }[];
    };

export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: AdfNode[];
}

const INLINE = /\*\*([^*]+)\*\*|`([^`]+)`|\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)/g;

export function inlineToAdf(text: string): AdfText[] {
  const out: AdfText[] = [];
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    const at = m.index ?? 0;
    if (at > last) out.push({ type: 'text', text: text.slice(last, at) });
    if (m[1] !== undefined) out.push({ type: 'text', text: m[1], marks: [{ type: 'strong' }] });
    else if (m[2] !== undefined) out.push({ type: 'text', text: m[2], marks: [{ type: 'code' }] });
    else if (m[3] !== undefined && m[4] !== undefined) {
      out.push({ type: 'text', text: m[3], marks: [{ type: 'link', attrs: { href: m[4] } }] });
    }
    last = at + m[0].length;
  }
  if (last < text.length) out.push({ type: 'text', text: text.slice(last) });
  // ADF rejects empty text nodes.
  return out.filter((t) => t.text.length > 0);
}

export function markdownToAdf(markdown: string): AdfDoc {
  const content: AdfNode[] = [];
  const blocks = markdown.replace(/\r\n/g, '\n').split(/\n\s*\n/);
  for (const block of blocks) {
    const lines = block.split('\n').filter((l) => l.trim() !== '');
    if (lines.length === 0) continue;
    const heading = /^(#{1,3}) (.*)$/.exec(lines[0]!);
    if (heading && lines.length === 1) {
      content.push({
        type: 'heading',
        attrs: { level: heading[1]!.length },
        content: inlineToAdf(heading[2]!),
      });
      continue;
    }
    if (lines.every((l) => /^\s*[-*] /.test(l))) {
      content.push({
        type: 'bulletList',
        content: lines.map((l) => ({
          type: 'listItem' as const,
          content: [
            { type: 'paragraph' as const, content: inlineToAdf(l.replace(/^\s*[-*] /, '')) },
          ],
        })),
      });
      continue;
    }
    content.push({ type: 'paragraph', content: inlineToAdf(lines.join(' ')) });
  }
  if (content.length === 0) content.push({ type: 'paragraph', content: [] });
  return { type: 'doc', version: 1, content };
}

/** Plain text of any ADF document (unknown node types contribute their children). */
export function adfToText(node: unknown): string {
  if (typeof node !== 'object' || node === null) return '';
  const n = node as { type?: unknown; text?: unknown; content?: unknown };
  if (n.type === 'text' && typeof n.text === 'string') return n.text;
  if (!Array.isArray(n.content)) return '';
  const sep = n.type === 'doc' || n.type === 'bulletList' ? '\n' : '';
  return n.content.map(adfToText).join(sep);
}
