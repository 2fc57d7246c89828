/** Implementation of the MySQL/MariaDB ingestable: config, catalog, positions, binlog stream, values. */
package io.committed.ingest.mysql.internal;
