/**
 * What the SQL change data capture ingestables (PostgreSQL, MySQL/MariaDB) share: the factory's
 * shape here, the {@code [sql]} config, rows to entities and proposals in flight in
 * {@code internal}.
 */
package io.committed.ingest.sql;
