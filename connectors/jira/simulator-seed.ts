import { seededRandom } from '../../src/runtime/seeded-random.js';
import type { SimState } from './simulator-state.js';
import { SIM_ACCOUNT_ID } from './simulator.js';

/**
 * Deterministic seed data: the same seed gives the same projects, issues, labels and
 * change numbers, so demos and benchmarks are repeatable.
 */

export interface SeedOptions {
  seed: number;
  issues: number;
  projects?: string[];
  /** Custom field holding the ServiceNow change number. */
  changeNumberField?: string;
}

export { seededRandom };

const LABELS = ['backend', 'frontend', 'database', 'network', 'security', 'release'];
const VERBS = ['Upgrade', 'Patch', 'Migrate', 'Rotate', 'Reconfigure', 'Decommission'];
const THINGS = [
  'payments API',
  'auth service',
  'Kafka cluster',
  'TLS certificates',
  'load balancer',
  'search index',
];

export function seedJira(state: SimState, options: SeedOptions): void {
  const rnd = seededRandom(options.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const projects = options.projects ?? ['OPS', 'PAY'];
  for (const key of projects) {
    if (!state.projects.has(key))
      state.addProject({ key, name: `${key} team`, issueTypes: ['Change', 'Task', 'Bug'] });
  }
  const field = options.changeNumberField ?? 'customfield_10050';
  for (let i = 0; i < options.issues; i++) {
    const project = pick(projects);
    const chg =
      rnd() < 0.7 ? `CHG${String(30000 + Math.floor(rnd() * 9_000_000)).padStart(7, '0')}` : null;
    state.createIssue(
      {
        project,
        issueType: rnd() < 0.8 ? 'Change' : 'Task',
        summary: `${pick(VERBS)} ${pick(THINGS)}`,
        description: {
          type: 'doc',
          version: 1,
          content: [
            { type: 'paragraph', content: [{ type: 'text', text: `Seeded issue ${i + 1}` }] },
          ],
        },
        labels: [pick(LABELS)],
        assignee: SIM_ACCOUNT_ID,
        customFields: { [field]: chg },
      },
      SIM_ACCOUNT_ID,
    );
  }
}
