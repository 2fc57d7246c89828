/**
 * Implementation of the NATS syncable: config parsing, the connection, publishing with
 * acknowledgements, resuming from the stream and error classification. Not API.
 */
package io.committed.sync.nats.internal;
