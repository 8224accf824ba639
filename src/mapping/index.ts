export { compileMapping, type CompiledMapping } from './compile.js';
export type { CompiledField } from './compile-field.js';
export { buildMappingSet, type MappingFile, type MappingSet } from './mapping-set.js';
export { parseMappingText, type MappingSource } from './parse.js';
export { formatProblem, MappingError, type MappingProblem } from './problems.js';
export type { FieldIssue, FieldWrite, MapResult, ReverseResult } from './run.js';
export { TARGETS, TARGET_NAMES, type TargetName } from './canonical-fields.js';
export { TRANSFORM_NAMES } from './transforms.js';
export { previewRecord, type Preview } from './preview.js';
