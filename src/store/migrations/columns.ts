import { TableColumn, type TableColumnOptions } from 'typeorm';

/**
 * Column shapes shared by the migrations, mapped per dialect. Migrations call these rather
 * than typeorm types directly so one table definition produces correct DDL on both SQLite
 * and MySQL/MariaDB (e.g. LONGTEXT for payloads on MySQL, whose TEXT stops at 64 KiB, and
 * DATETIME(3) so millisecond timestamps survive for the audit chain).
 */
export type Dialect = 'sqlite' | 'mysql';

export interface ColumnSpec {
  name: string;
  kind:
    'id' | 'key' | 'str' | 'text' | 'json' | 'date' | 'int' | 'bigint' | 'serial' | 'bool' | 'hash';
  length?: number;
  nullable?: boolean;
  primary?: boolean;
  default?: string | number;
}

export function column(dialect: Dialect, spec: ColumnSpec): TableColumn {
  const base: TableColumnOptions = {
    name: spec.name,
    type: 'varchar',
    isNullable: spec.nullable ?? false,
    isPrimary: spec.primary ?? false,
  };
  if (spec.default !== undefined) {
    base.default = typeof spec.default === 'number' ? spec.default : `'${spec.default}'`;
  }
  switch (spec.kind) {
    case 'id':
      return new TableColumn({ ...base, type: 'varchar', length: String(spec.length ?? 255) });
    case 'key':
      return new TableColumn({ ...base, type: 'varchar', length: String(spec.length ?? 64) });
    case 'str':
      return new TableColumn({ ...base, type: 'varchar', length: String(spec.length ?? 255) });
    case 'hash':
      return new TableColumn({ ...base, type: 'char', length: '64' });
    case 'text':
      // MySQL TEXT holds 64 KiB; ServiceNow plans and descriptions can be longer.
      return new TableColumn({ ...base, type: dialect === 'mysql' ? 'mediumtext' : 'text' });
    case 'json':
      return new TableColumn({ ...base, type: dialect === 'mysql' ? 'longtext' : 'text' });
    case 'date':
      return new TableColumn({
        ...base,
        type: 'datetime',
        ...(dialect === 'mysql' ? { precision: 3 } : {}),
      });
    case 'int':
      return new TableColumn({ ...base, type: 'integer' });
    case 'bigint':
      return new TableColumn({ ...base, type: 'bigint' });
    case 'bool':
      return new TableColumn({ ...base, type: 'boolean' });
    case 'serial':
      // SQLite only auto-increments an INTEGER PRIMARY KEY (rowid alias), never a BIGINT.
      return new TableColumn({
        ...base,
        type: dialect === 'mysql' ? 'bigint' : 'integer',
        isPrimary: true,
        isGenerated: true,
        generationStrategy: 'increment',
      });
  }
}
