/** The node's implementation: the HTTP server, routes, JSON forms, auth, TLS and metrics. Not an API. */
package io.committed.server.internal;
