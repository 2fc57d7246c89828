/**
 * The HTTP syncable: {@link io.committed.sync.http.HttpSyncableFactory} (kind {@code http}) delivers
 * the log to a webhook endpoint in order, signed and with an {@code Idempotency-Key}.
 */
package io.committed.sync.http;
