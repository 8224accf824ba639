import { InitialSchema1760000000001 } from './0001-initial-schema.js';
import { JobLeases1760000000002 } from './0002-job-leases.js';

/** Every migration, oldest first. Listed explicitly: no globbing of compiled files. */
export const MIGRATIONS = [InitialSchema1760000000001, JobLeases1760000000002];
