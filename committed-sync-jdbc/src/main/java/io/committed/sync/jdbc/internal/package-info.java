/**
 * Implementation of the SQL syncable: config parsing, dialects, value binding, shared pools and
 * error classification. Not API: nothing here appears in a public signature.
 */
package io.committed.sync.jdbc.internal;
