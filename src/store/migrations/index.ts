import { InitialSchema1760000000001 } from './0001-initial-schema.js';
import { JobLeases1760000000002 } from './0002-job-leases.js';
import { LinkSyncState1760000000003 } from './0003-link-sync-state.js';
import { GateRequests1760000000004 } from './0004-gate-requests.js';
import { ReconcileRuns1760000000005 } from './0005-reconcile-runs.js';

/** Every migration, oldest first. Listed explicitly: no globbing of compiled files. */
export const MIGRATIONS = [
  InitialSchema1760000000001,
  JobLeases1760000000002,
  LinkSyncState1760000000003,
  GateRequests1760000000004,
  ReconcileRuns1760000000005,
];
