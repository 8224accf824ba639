/**
 * What the governance commands (`findings list`, `waive`, `explain`, `policy replay|list`)
 * do besides parsing arguments and printing (DESIGN §6, §9): store queries, the waiver
 * transaction, a dry run of the sync on one payload, and re-evaluation of history. Kept
 * out of src/cli so tests call it without the CLI.
 */
export * from './findings-list.js';
export * from './waive.js';
export * from './when.js';
export * from './explain.js';
export * from './replay.js';
export * from './rule-sets-list.js';
