/**
 * Plug-in SPIs: {@link io.committed.spi.Syncable}s project the log out to other systems,
 * {@link io.committed.spi.Ingestable}s bring changes in. Both are created by factories found
 * through {@link java.util.ServiceLoader} and selected by {@code kind()}.
 */
package io.committed.spi;
