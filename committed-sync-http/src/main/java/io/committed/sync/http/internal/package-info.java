/**
 * Implementation of the HTTP syncable: config parsing, the request body, signing, delivery and
 * error classification. Not API: nothing here appears in a public signature.
 */
package io.committed.sync.http.internal;
