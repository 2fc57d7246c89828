package io.committed.internal;

import io.committed.ConfigDocument;
import io.committed.ConfigFormat;
import io.committed.ConfigKind;
import io.committed.ConfigRegistry;
import io.committed.ConfigVersion;
import io.committed.api.NotFoundException;
import io.committed.api.ProposalRejectedException;
import io.committed.internal.codec.EntryCodec;
import io.committed.internal.state.Command;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** A {@link ConfigRegistry} over the state machine; changes go through the log. */
final class Registry implements ConfigRegistry {
  private final ConfigKind kind;
  private final DefaultCommittedLog log;
  private final ConfigValidator validator;

  Registry(ConfigKind kind, DefaultCommittedLog log, ConfigValidator validator) {
    this.kind = kind;
    this.log = log;
    this.validator = validator;
  }

  @Override
  public ConfigKind kind() {
    return kind;
  }

  @Override
  public ConfigVersion define(String id, ConfigFormat format, byte[] document) {
    log.checkOpen();
    log.catchUp();
    if (format == null) {
      throw new io.committed.api.ConfigException("format", "the document's format is required (TOML or JSON)");
    }
    byte[] doc = document == null ? new byte[0] : document.clone();
    int current = log.state().currentVersion(kind, id);
    Optional<ConfigDocument> now = log.state().currentConfig(kind, id);
    if (now.isPresent() && now.get().format() == format && java.util.Arrays.equals(now.get().content(), doc)) {
      if (kind == ConfigKind.INGESTABLE && log.state().ingestPosition(id).parked()) {
        log.await(new Command.SetIngestParked(id, false, "")); // posting the config again un-parks it
        log.settleWorkers();
      }
      return versionInfo(id, current);
    }
    validator.validate(kind, id, format, doc);
    long version = log.await(new Command.PutConfig(kind, id, current, format, doc, now()));
    log.settleWorkers();
    return versionInfo(id, (int) version);
  }

  @Override
  public ConfigVersion define(String id, String document) {
    byte[] bytes = document == null ? new byte[0] : document.getBytes(StandardCharsets.UTF_8);
    return define(id, ConfigFormat.detect(bytes), bytes);
  }

  @Override
  public List<ConfigDocument> list() {
    return log.state().currentConfigs(kind);
  }

  @Override
  public Optional<ConfigDocument> get(String id) {
    return log.state().currentConfig(kind, id);
  }

  @Override
  public List<ConfigVersion> versions(String id) {
    List<ConfigVersion> versions = log.state().versions(kind, id);
    if (versions.isEmpty()) {
      throw notFound(id);
    }
    return versions;
  }

  @Override
  public ConfigDocument version(String id, int version) {
    return log.state().version(kind, id, version).orElseThrow(() -> log.state().versions(kind, id).isEmpty()
        ? notFound(id) : new NotFoundException(kind.id() + " '" + id + "' has no version " + version));
  }

  @Override
  public ConfigVersion rollback(String id, int version) {
    log.checkOpen();
    log.catchUp();
    if (kind == ConfigKind.TYPE) {
      throw new ProposalRejectedException(ProposalRejectedException.Reason.CONFLICT, "types cannot be rolled back:"
          + " a schema change needs a migration, so post the old schema as a new version with a [migration]");
    }
    ConfigDocument target = version(id, version);
    int current = log.state().currentVersion(kind, id);
    validator.validate(kind, id, target.format(), target.content());
    long v = log.await(new Command.RollbackConfig(kind, id, current, version, now()));
    log.settleWorkers();
    return versionInfo(id, (int) v);
  }

  @Override
  public void remove(String id) {
    log.checkOpen();
    log.catchUp();
    if (kind == ConfigKind.TYPE) {
      throw new ProposalRejectedException(ProposalRejectedException.Reason.CONFLICT,
          "types are version-only and cannot be removed");
    }
    if (log.state().currentVersion(kind, id) == 0) {
      throw notFound(id);
    }
    log.await(new Command.RemoveConfig(kind, id, now()));
    log.settleWorkers();
  }

  private long now() {
    return EntryCodec.toMicros(log.clock().instant());
  }

  private ConfigVersion versionInfo(String id, int version) {
    return log.state().versions(kind, id).stream().filter(v -> v.version() == version).findFirst()
        .orElseThrow(() -> new IllegalStateException(kind.id() + " '" + id + "' version " + version + " not applied"));
  }

  private NotFoundException notFound(String id) {
    return new NotFoundException(kind.id() + " '" + id + "' is not defined");
  }
}
