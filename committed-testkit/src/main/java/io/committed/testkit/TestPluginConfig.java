package io.committed.testkit;

import io.committed.ConfigFormat;
import io.committed.internal.config.Documents;
import io.committed.internal.config.EnvResolver;
import io.committed.internal.config.NodeConfig;
import io.committed.spi.PluginConfig;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Config documents read the way the log reads them, as the {@link PluginConfig} a factory's
 * {@code validate} and its plug-ins see: for unit tests of config parsing.
 */
public final class TestPluginConfig {
  private TestPluginConfig() {}

  /** The root of a TOML or JSON document, with no {@code ${VAR}} set. */
  public static PluginConfig of(String document) {
    return of(document, Map.of());
  }

  /**
   * The root of a TOML or JSON document whose {@code ${VAR}} references resolve against
   * {@code environment}; an unset one fails when its field is read, naming the field.
   *
   * @throws io.committed.api.ConfigException when the document is not valid TOML or JSON
   */
  public static PluginConfig of(String document, Map<String, String> environment) {
    byte[] bytes = Objects.requireNonNull(document, "document").getBytes(StandardCharsets.UTF_8);
    Map<String, String> env = new HashMap<>(environment);
    return NodeConfig.root(Documents.parse(ConfigFormat.detect(bytes), bytes), new EnvResolver(env::get, true));
  }
}
