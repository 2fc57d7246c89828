/**
 * The SQL syncable: {@link io.committed.sync.jdbc.SqlSyncableFactory} (kind {@code sql}) projects
 * the log into a table of PostgreSQL, MySQL/MariaDB or H2, batched and effectively once.
 */
package io.committed.sync.jdbc;
