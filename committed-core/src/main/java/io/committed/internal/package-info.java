/** Implementation of the log facade. Nothing here is part of the public API. */
package io.committed.internal;
