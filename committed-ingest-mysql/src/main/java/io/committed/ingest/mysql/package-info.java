/**
 * The MySQL and MariaDB ingestables: change data capture from the binary log, with GTID or
 * file+position resume and effectively-once positions.
 */
package io.committed.ingest.mysql;
