/** Implementation shared by the SQL ingestables: config shape, row encoding, proposals in flight. */
package io.committed.ingest.sql.internal;
