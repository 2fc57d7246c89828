package io.committed.ingest.sql.internal;

import io.committed.api.ConfigException;
import io.committed.spi.PluginConfig;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A source's own section of the config ({@code [sql.postgres]}, {@code [sql.mysql]}), which may be
 * absent: every setting then takes its default. Also reads the settings every SQL source has
 * ({@code batch_size}, {@code snapshot}, what to do when the position is lost). Errors are
 * {@link ConfigException}s naming the field.
 */
public final class SourceSection {
  /** What to do when the source no longer has the committed position (slot lost, binlog purged). */
  public enum OnPositionLost {
    /** Refuse to continue; an operator decides (the default). */
    PARK,
    /** Copy the tables again, deleting the keys they no longer have. */
    RESNAPSHOT
  }

  private final PluginConfig section;

  private SourceSection(PluginConfig section) {
    this.section = section;
  }

  /**
   * The section {@code name} of {@code sql}, checked to hold only {@code known} settings.
   *
   * @throws ConfigException naming an unknown setting
   */
  public static SourceSection of(PluginConfig sql, String name, SqlConfig config, Set<String> known) {
    PluginConfig s = sql.section(name).orElse(null);
    if (s != null) {
      config.checkNames(s, known);
    }
    return new SourceSection(s);
  }

  /** A string setting, trimmed. */
  public Optional<String> string(String name) {
    return section == null ? Optional.empty() : section.string(name).map(String::trim);
  }

  /** A boolean setting. */
  public boolean bool(String name, boolean dflt) {
    return section == null ? dflt : section.bool(name, dflt);
  }

  /** An integer setting between {@code min} and {@code max}. */
  public long integer(String name, long dflt, long min, long max) {
    long v = section == null ? dflt : section.integer(name, dflt);
    if (v < min || v > max) {
      throw section.error(name, "must be between " + min + " and " + max + ", was " + v);
    }
    return v;
  }

  /** A duration of at most an hour; zero only when {@code zeroAllowed} (meaning off). */
  public Duration duration(String name, Duration dflt, boolean zeroAllowed) {
    Duration d = section == null ? dflt : section.duration(name).orElse(dflt);
    if (d.isNegative() || (!zeroAllowed && d.isZero()) || d.compareTo(Duration.ofHours(1)) > 0) {
      throw section.error(name, "must be " + (zeroAllowed ? "0 (off) or " : "") + "between 1ms and 1h, was " + d);
    }
    return d;
  }

  /**
   * One of {@code choices} (the constants' names in lower case), ignoring case.
   *
   * @param <E> the choices
   */
  public <E extends Enum<E>> E choice(String name, E dflt, Class<E> choices) {
    Optional<String> v = string(name);
    if (v.isEmpty()) {
      return dflt;
    }
    for (E e : choices.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(v.get())) {
        return e;
      }
    }
    StringBuilder names = new StringBuilder();
    E[] all = choices.getEnumConstants();
    for (int i = 0; i < all.length; i++) {
      names.append(i == 0 ? "" : i == all.length - 1 ? " or " : ", ")
          .append('"').append(all[i].name().toLowerCase(Locale.ROOT)).append('"');
    }
    throw section.error(name, "must be " + names + ", not '" + v.get() + "'");
  }

  /** {@code batch_size}: rows per snapshot chunk (one proposal each), 10,000 by default. */
  public int batchSize() {
    return (int) integer("batch_size", 10_000, 1, 1_000_000);
  }

  /** {@code snapshot}: {@code "initial"} (the default) copies the tables' existing rows before streaming. */
  public boolean initialSnapshot() {
    return choice("snapshot", Snapshot.INITIAL, Snapshot.class) == Snapshot.INITIAL;
  }

  /** The setting {@code name} ({@code on_slot_lost}, {@code on_position_lost}): park by default. */
  public OnPositionLost onPositionLost(String name) {
    return choice(name, OnPositionLost.PARK, OnPositionLost.class);
  }

  /**
   * An error about setting {@code name} of this section.
   *
   * @throws IllegalStateException when the section is absent (a default cannot be wrong)
   */
  public ConfigException error(String name, String message) {
    if (section == null) {
      throw new IllegalStateException("no section to blame for " + name + ": " + message);
    }
    return section.error(name, message);
  }

  private enum Snapshot { INITIAL, NEVER }
}
