/**
 * The runnable node: {@link io.committed.server.Main} reads {@link io.committed.server.ServerSettings}
 * from the environment and starts a {@link io.committed.server.CommittedServer}, a log and its REST
 * API. The API is described by {@code /openapi.yaml}.
 */
package io.committed.server;
