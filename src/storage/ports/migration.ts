/**
 * One step of the ONE schema history every store shares: a version means the same tables in
 * SQLite and PostgreSQL (each list in its own dialect; a test holds the versions and names
 * equal). Never edit a migration that has shipped: add the next one, to every list.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}
