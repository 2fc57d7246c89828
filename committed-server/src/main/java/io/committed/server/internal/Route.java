package io.committed.server.internal;

import io.javalin.http.Handler;

/**
 * One route of the API: method, path template ({@code {name}} for a parameter, as in OpenAPI) and
 * handler. The router is built from these, and {@code /openapi.yaml} must list exactly them.
 */
public record Route(String method, String path, Handler handler) {}
