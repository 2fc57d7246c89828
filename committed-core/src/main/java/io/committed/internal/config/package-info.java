/** Parsing config documents (TOML, JSON) and the {@link io.committed.spi.PluginConfig} view over them. */
package io.committed.internal.config;
