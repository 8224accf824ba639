import {
  ApprovalEntity,
  ChangeEntity,
  CodeChangeEntity,
  DeploymentEntity,
  FindingEntity,
  IncidentEntity,
  LinkEntity,
} from './canonical.js';
import {
  AuditEventEntity,
  AuditHeadEntity,
  DeadLetterEntity,
  InboxEventEntity,
  GateRequestEntity,
  OutboxCommandEntity,
  ReconcileRunEntity,
  PersonEntity,
  PersonIdentityEntity,
  SourceCursorEntity,
} from './operational.js';

export * from './canonical.js';
export * from './operational.js';

export const ENTITIES = [
  ChangeEntity,
  ApprovalEntity,
  CodeChangeEntity,
  DeploymentEntity,
  IncidentEntity,
  LinkEntity,
  FindingEntity,
  PersonEntity,
  PersonIdentityEntity,
  AuditEventEntity,
  AuditHeadEntity,
  SourceCursorEntity,
  InboxEventEntity,
  OutboxCommandEntity,
  DeadLetterEntity,
  GateRequestEntity,
  ReconcileRunEntity,
];
