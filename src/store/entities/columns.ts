import type { EntitySchemaColumnOptions } from 'typeorm';

/**
 * Column helpers for the entity schemas. They describe how typeorm reads and writes each
 * column; the DDL itself comes from the migrations (typeorm never synchronises outside tests).
 */
const toNumber = {
  to: (v: number | null | undefined) => v,
  from: (v: unknown) => (v === null || v === undefined ? v : Number(v)),
};

export const col = {
  id: (name: string, primary = false): EntitySchemaColumnOptions => ({
    name,
    type: 'varchar',
    primary,
  }),
  str: (name: string, nullable = false): EntitySchemaColumnOptions => ({
    name,
    type: 'varchar',
    nullable,
  }),
  text: (name: string, nullable = false): EntitySchemaColumnOptions => ({
    name,
    type: 'text',
    nullable,
  }),
  json: (name: string, nullable = false): EntitySchemaColumnOptions => ({
    name,
    type: 'simple-json',
    nullable,
  }),
  date: (name: string, nullable = false): EntitySchemaColumnOptions => ({
    name,
    type: 'datetime',
    precision: 3,
    nullable,
  }),
  int: (name: string, primary = false): EntitySchemaColumnOptions => ({
    name,
    type: 'integer',
    primary,
    transformer: toNumber,
  }),
  bigint: (name: string, primary = false): EntitySchemaColumnOptions => ({
    name,
    type: 'bigint',
    primary,
    transformer: toNumber,
  }),
  serial: (name: string): EntitySchemaColumnOptions => ({
    name,
    type: 'integer',
    primary: true,
    generated: 'increment',
    transformer: toNumber,
  }),
  bool: (name: string): EntitySchemaColumnOptions => ({ name, type: 'boolean' }),
};
