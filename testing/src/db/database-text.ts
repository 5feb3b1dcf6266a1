/** Every row of every table as text: to search a database for a value that must not be stored. */
import type { DataSource } from 'typeorm';

export async function databaseText(dataSource: DataSource): Promise<string> {
  const tables = (await dataSource.query(
    `SELECT quote_ident(table_name) AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
  )) as { name: string }[];
  const dumps: string[] = [];
  for (const { name } of tables) {
    const rows = (await dataSource.query(`SELECT t::text AS row FROM ${name} t`)) as { row: string }[];
    dumps.push(`-- ${name}`, ...rows.map((r) => r.row));
  }
  return dumps.join('\n');
}
