import {
  APPROVAL_DECISIONS,
  APPROVAL_STATES,
  CHANGE_STATES,
  CHANGE_TYPES,
  CLOSE_CODES,
  CODE_HOSTS,
  DEPLOYMENT_STATUSES,
  IMPACTS,
  RISKS,
  SYSTEMS,
  type Approval,
  type ChangeFields,
  type CodeChange,
  type Deployment,
  type Incident,
} from '../model/index.js';

/**
 * What a mapping may set on each canonical model (DESIGN §3): every property of the model
 * types except the ones the store owns (ids, versions, source pointers, updatedAt). The
 * `satisfies` clauses make the compiler fail here when a model gains or loses a field.
 */
export type FieldType =
  | { kind: 'string'; nullable: boolean }
  | { kind: 'enum'; nullable: boolean; values: readonly string[] }
  | { kind: 'date'; nullable: boolean }
  | { kind: 'strings' }
  | { kind: 'integer'; nullable: boolean; min?: number; max?: number }
  | { kind: 'managed'; reason: string };

const str = (nullable = true): FieldType => ({ kind: 'string', nullable });
const date = (nullable = true): FieldType => ({ kind: 'date', nullable });
const strings: FieldType = { kind: 'strings' };
const oneOf = (values: readonly string[], nullable = false): FieldType => ({
  kind: 'enum',
  nullable,
  values,
});

type Catalogue<T> = { [K in keyof T]-?: FieldType };

const change = {
  key: str(false),
  title: str(false),
  description: str(),
  type: oneOf(CHANGE_TYPES),
  risk: oneOf(RISKS, true),
  impact: oneOf(IMPACTS, true),
  state: oneOf(CHANGE_STATES),
  originalState: str(),
  approval: oneOf(APPROVAL_STATES),
  plannedStart: date(),
  plannedEnd: date(),
  closedAt: date(),
  closeCode: oneOf(CLOSE_CODES, true),
  requestedBy: str(),
  assignedTo: str(),
  services: strings,
  environment: str(),
  justification: str(),
  implementationPlan: str(),
  backoutPlan: str(),
  testPlan: str(),
  impactAnalysis: str(),
  tenant: str(false),
} satisfies Catalogue<ChangeFields>;

const approval = {
  // A source reference (e.g. the sysapproval sys_id); sync resolves it to the Change UUID.
  changeId: str(false),
  approver: str(false),
  decision: oneOf(APPROVAL_DECISIONS),
  originalDecision: str(),
  decidedAt: date(),
  source: oneOf(SYSTEMS),
  validUntil: date(),
  delegatedFrom: str(),
} satisfies Catalogue<Omit<Approval, 'id' | 'sourceEventIds' | 'updatedAt'>>;

const codeChange = {
  system: oneOf(CODE_HOSTS),
  repo: str(false),
  number: { kind: 'integer', nullable: false, min: 0 },
  title: str(false),
  author: str(),
  reviewers: {
    kind: 'managed',
    reason: 'reviews arrive as review events and are merged by sync, not mapped from the record',
  },
  mergedBy: str(),
  mergedAt: date(),
  headSha: str(),
  mergeSha: str(),
  targetBranch: str(false),
  linkedKeys: strings,
} satisfies Catalogue<Omit<CodeChange, 'id' | 'sourceEventIds' | 'updatedAt'>>;

const deployment = {
  system: oneOf(CODE_HOSTS),
  repo: str(false),
  sha: str(false),
  environment: str(false),
  actor: str(),
  status: oneOf(DEPLOYMENT_STATUSES),
  originalStatus: str(),
  startedAt: date(),
  finishedAt: date(),
  linkedKeys: strings,
} satisfies Catalogue<Omit<Deployment, 'id' | 'sourceEventIds' | 'updatedAt'>>;

const incident = {
  key: str(false),
  priority: { kind: 'integer', nullable: false, min: 1, max: 4 },
  services: strings,
  openedAt: date(false),
  resolvedAt: date(),
  causedBy: str(),
} satisfies Catalogue<Omit<Incident, 'id' | 'sourceEventIds' | 'updatedAt'>>;

export const TARGETS = {
  Change: change,
  Approval: approval,
  CodeChange: codeChange,
  Deployment: deployment,
  Incident: incident,
} as const satisfies Record<string, Record<string, FieldType>>;

export type TargetName = keyof typeof TARGETS;
export const TARGET_NAMES = Object.keys(TARGETS) as TargetName[];

export function targetFields(target: TargetName): ReadonlyMap<string, FieldType> {
  return new Map(Object.entries(TARGETS[target]));
}
