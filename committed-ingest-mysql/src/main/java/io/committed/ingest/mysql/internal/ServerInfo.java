package io.committed.ingest.mysql.internal;

/**
 * What preflight learnt about the source server.
 *
 * @param dialect the server family found (which must be the configured one)
 * @param version the server's version text
 * @param serverId the server's {@code @@server_id}
 * @param serverUuid MySQL's {@code @@server_uuid}; empty on MariaDB (which has none)
 * @param gtids whether positions can be GTIDs (MariaDB always; MySQL with gtid_mode = ON)
 * @param retention how long the server keeps binary logs, as text for the status ("2 days", "unlimited")
 */
public record ServerInfo(Dialect dialect, String version, long serverId, String serverUuid, boolean gtids,
    String retention) {}
