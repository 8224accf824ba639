export interface Incident {
  id: string;
  key: string;
  /** 1 (critical) … 4 (low). ServiceNow's 5 (planning) is stored as 4. */
  priority: 1 | 2 | 3 | 4;
  services: string[];
  openedAt: Date;
  resolvedAt: Date | null;
  /** Change key this incident was caused by, if known. */
  causedBy: string | null;
  sourceEventIds: string[];
  updatedAt: Date;
}

export function clampPriority(value: number): Incident['priority'] {
  if (!Number.isFinite(value) || value <= 1) return 1;
  if (value >= 4) return 4;
  return Math.round(value) as Incident['priority'];
}

export function isOpenIncident(incident: Incident, at: Date): boolean {
  return (
    incident.openedAt.getTime() <= at.getTime() &&
    (incident.resolvedAt === null || incident.resolvedAt.getTime() > at.getTime())
  );
}
