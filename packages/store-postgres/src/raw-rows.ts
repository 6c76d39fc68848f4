import type { EntitySchema } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/postgresql';

/**
 * An entity's rows read from and written as raw SQL, past MikroORM's identity map: the hot paths
 * (a cycle over 10,000 users) read thousands of rows per call, and hydrating each one into a
 * managed entity costs more than the query. Column names, property names and value conversions
 * (`bigint` → number, `numeric` → string) come from the entity's own metadata, so a raw read
 * returns exactly what `em.find` would.
 */
export interface RawRows<Row> {
  /** The quoted column list, e.g. `"t"."id", "t"."user_id"` with `alias` `t`. */
  columns(alias?: string): string;
  /** A raw result row (column names) as the entity's row (property names, converted values). */
  read(raw: Record<string, unknown>): Row;
  /** A row keyed by column name, e.g. for `json_populate_recordset`. */
  toColumns(row: Row): Record<string, unknown>;
  /** `insert into "table" (every column) values (?, …)`: one row, one statement. */
  readonly insert: string;
  /**
   * `?::type, …` for every column, the type without length or precision (`?::varchar`, never
   * `?::varchar(64)`, which would cut a long value instead of refusing it): for an `insert …
   * select` whose values have no column to take their types from.
   */
  readonly typedPlaceholders: string;
  /**
   * `insert into "table" (every column) select * from unnest(?::type[], …)`: any number of rows in
   * one statement with one array parameter per column (see `columnArrays`).
   */
  readonly insertMany: string;
  /**
   * `unnest(?::type[], …) as "alias"(every column)`: the rows of `columnArrays` as a table, for an
   * `insert … select` that keeps only some of them.
   */
  unnestAs(alias: string): string;
  /** The rows as one PostgreSQL array literal per column, for `insertMany`. */
  columnArrays(rows: readonly Row[]): string[];
  /** The row's values in column order, for `insert` and `typedPlaceholders`. */
  values(row: Row): unknown[];
  /** The column name of one property, e.g. `user_id` for `userId`. */
  columnOf(property: keyof Row): string;
}

interface ColumnOf {
  property: string;
  column: string;
  /** The column's type without modifiers, e.g. `numeric`, `varchar`, `bigint`. */
  type: string;
  convert?: (value: unknown) => unknown;
}

export function rawRowsOf<Row extends object>(orm: MikroORM, entity: EntitySchema<Row>): RawRows<Row> {
  const meta = orm.getMetadata().get(entity.meta.className);
  const platform = orm.em.getPlatform();
  const columns: ColumnOf[] = meta.props
    .filter((prop) => prop.persist !== false && prop.fieldNames?.length === 1)
    .map((prop) => {
      const customType = prop.customType;
      const column: ColumnOf = {
        property: prop.name,
        column: prop.fieldNames[0] as string,
        type: (prop.columnTypes?.[0] ?? 'text').replace(/\(.*\)/, '').trim(),
      };
      if (customType) column.convert = (value) => customType.convertToJSValue(value, platform);
      return column;
    });
  const quoted = (alias?: string) =>
    columns.map(({ column }) => (alias ? `"${alias}"."${column}"` : `"${column}"`)).join(', ');
  const all = quoted();
  const insert = `insert into "${meta.tableName}" (${all}) values (${columns.map(() => '?').join(', ')})`;

  return {
    columns: (alias) => (alias ? quoted(alias) : all),
    read(raw) {
      const row: Record<string, unknown> = {};
      for (const { property, column, convert } of columns) {
        const value = raw[column];
        // Null stays null: a custom type would turn it into 0 or 'null'.
        row[property] = value === null || value === undefined ? null : convert ? convert(value) : value;
      }
      return row as Row;
    },
    insert,
    typedPlaceholders: columns.map(({ type }) => `?::${type}`).join(', '),
    insertMany: `insert into "${meta.tableName}" (${all}) select * from unnest(${columns.map(({ type }) => `?::${type}[]`).join(', ')})`,
    unnestAs: (alias) =>
      `unnest(${columns.map(({ type }) => `?::${type}[]`).join(', ')}) as "${alias}"(${all})`,
    columnArrays: (rows) =>
      columns.map(({ property }) =>
        arrayLiteral(
          rows.map((row) => {
            const value = (row as Record<string, unknown>)[property];
            return value === null || value === undefined ? null : String(value);
          }),
        ),
      ),
    columnOf(property) {
      const found = columns.find((column) => column.property === property);
      if (!found) throw new Error(`${String(property)} is not a column of ${meta.tableName}`);
      return found.column;
    },
    values: (row) => columns.map(({ property }) => (row as Record<string, unknown>)[property] ?? null),
    toColumns(row) {
      const out: Record<string, unknown> = {};
      for (const { property, column } of columns) out[column] = (row as Record<string, unknown>)[property];
      return out;
    },
  };
}

/**
 * A PostgreSQL `text[]` literal of `values`, for one `?::text[]` parameter however many ids there
 * are (knex would expand a JavaScript array into one placeholder per element, and PostgreSQL
 * accepts at most 65,535 of them). Every element is quoted, so commas, braces, quotes and the
 * word NULL stay plain text; a JavaScript null is SQL NULL.
 */
export function textArray(values: readonly (string | null)[]): string {
  return arrayLiteral(values);
}

/** An array literal of text values, `null` as SQL NULL; every other element quoted and escaped. */
function arrayLiteral(values: readonly (string | null)[]): string {
  return `{${values.map((value) => (value === null ? 'NULL' : `"${value.replace(/[\\"]/g, '\\$&')}"`)).join(',')}}`;
}
