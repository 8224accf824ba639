import { z } from 'zod';
import { SYSTEMS } from '../model/index.js';
import { TARGET_NAMES } from './canonical-fields.js';

/**
 * The shape of a mapping file (docs/mappings.md). zod checks the structure; everything that
 * needs the canonical model or vendor facts (field names, enums, writable targets) is the
 * compiler's job, so its messages can point at the exact key.
 */
const mapValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const pathList = z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(8)]);

export const DIRECTIONS = ['in', 'out', 'both'] as const;
export const AUTHORITIES = ['servicenow', 'jira', 'latest'] as const;
export const UNWRAPS = ['value', 'display_value', 'none'] as const;
export type Direction = (typeof DIRECTIONS)[number];
export type Authority = (typeof AUTHORITIES)[number];
export type Unwrap = (typeof UNWRAPS)[number];

export const fieldSchema = z.strictObject({
  /** Source path, or several: the first non-empty wins. */
  from: pathList.optional(),
  /** Several source paths whose values are all kept, as one list. */
  collect: z.array(z.string().min(1)).min(1).max(8).optional(),
  /** A constant. */
  value: mapValue.optional(),
  unwrap: z.enum(UNWRAPS).optional(),
  transform: z.array(z.unknown()).max(16).optional(),
  map: z.record(z.string(), mapValue).optional(),
  else: mapValue.optional(),
  default: z.union([mapValue, z.array(z.string())]).optional(),
  required: z.boolean().optional(),
  direction: z.enum(DIRECTIONS).optional(),
  authority: z.enum(AUTHORITIES).optional(),
  /** Write-back target path; defaults to the single `from` path. */
  to: z.string().min(1).optional(),
  description: z.string().optional(),
});

export const fileSchema = z.strictObject({
  system: z.enum(SYSTEMS).optional(),
  kind: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/)
    .optional(),
  target: z.enum(TARGET_NAMES as [string, ...string[]]).optional(),
  description: z.string().optional(),
  /** Map this member instead when present (`result` for ServiceNow, `issue` for Jira webhooks). */
  envelope: z.string().min(1).optional(),
  unwrap: z.enum(UNWRAPS).optional(),
  /** `~` removes an inherited field in a tenant override. */
  fields: z.record(z.string(), fieldSchema.nullable()),
});

export type FieldSpec = z.infer<typeof fieldSchema>;
export type FileSpec = z.infer<typeof fileSchema>;
export type MapValue = z.infer<typeof mapValue>;

export const FILE_KEYS = Object.keys(fileSchema.shape);
export const FIELD_KEYS = Object.keys(fieldSchema.shape);
