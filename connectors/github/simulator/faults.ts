/**
 * Fault injection: the next `times` requests matching `method`/`path` get `status` (with
 * an optional body/headers), the connection is dropped (`reset`), or GitHub's secondary
 * rate limit answer (403, no Retry-After).
 */
export interface Fault {
  method?: string;
  /** Substring of the request path (no query). */
  path?: string;
  times?: number;
  kind: 'status' | 'reset' | 'secondary-rate-limit';
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export class FaultQueue {
  private readonly faults: (Fault & { left: number })[] = [];

  add(fault: Fault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  clear(): void {
    this.faults.length = 0;
  }

  take(method: string, path: string): Fault | null {
    const i = this.faults.findIndex(
      (f) => (!f.method || f.method === method) && (!f.path || path.includes(f.path)),
    );
    if (i < 0) return null;
    const f = this.faults[i]!;
    f.left -= 1;
    if (f.left <= 0) this.faults.splice(i, 1);
    return f;
  }
}
