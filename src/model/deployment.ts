import type { CodeHost, DeploymentStatus } from './enums.js';

export interface Deployment {
  id: string;
  system: CodeHost;
  repo: string;
  sha: string;
  environment: string;
  /** Person id. */
  actor: string | null;
  status: DeploymentStatus;
  originalStatus: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  linkedKeys: string[];
  sourceEventIds: string[];
  updatedAt: Date;
}

/** Production-like environments, matched case-insensitively by configured names. */
export function isProductionEnvironment(
  environment: string,
  productionNames: readonly string[],
): boolean {
  const env = environment.trim().toLowerCase();
  return productionNames.some((name) => name.toLowerCase() === env);
}
