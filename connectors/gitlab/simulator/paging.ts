/**
 * Offset paging as GitLab answers it: `X-Page`, `X-Per-Page`, `X-Next-Page` (empty on the
 * last page), `X-Prev-Page`, `X-Total`, `X-Total-Pages`, and `Link` with first/prev/next/last.
 * `per_page` above 100 is silently clamped to 100, as GitLab does.
 */
export function paginate<T>(
  items: readonly T[],
  query: URLSearchParams,
  publicUrl: URL,
): { page: T[]; headers: Record<string, string> } {
  const perPage = clampInt(query.get('per_page'), 20, 1, 100);
  const page = clampInt(query.get('page'), 1, 1, Number.MAX_SAFE_INTEGER);
  const totalPages = Math.max(1, Math.ceil(items.length / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const link = (p: number) => {
    const u = new URL(publicUrl);
    u.searchParams.set('page', String(p));
    u.searchParams.set('per_page', String(perPage));
    return u.toString();
  };
  const links = [`<${link(1)}>; rel="first"`, `<${link(totalPages)}>; rel="last"`];
  if (page > 1) links.unshift(`<${link(page - 1)}>; rel="prev"`);
  if (page < totalPages) links.unshift(`<${link(page + 1)}>; rel="next"`);
  return {
    page: slice,
    headers: {
      'X-Page': String(page),
      'X-Per-Page': String(perPage),
      'X-Next-Page': page < totalPages ? String(page + 1) : '',
      'X-Prev-Page': page > 1 ? String(page - 1) : '',
      'X-Total': String(items.length),
      'X-Total-Pages': String(totalPages),
      Link: links.join(', '),
    },
  };
}

function clampInt(raw: string | null, fallback: number, min: number, max: number): number {
  if (raw === null || raw === '') return fallback;
  const n = Number.parseInt(raw, 10);
  if (!Number.isFinite(n) || n < min) return fallback;
  return Math.min(n, max);
}
