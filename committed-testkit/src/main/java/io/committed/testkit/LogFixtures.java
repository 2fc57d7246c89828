package io.committed.testkit;

import io.committed.CommittedLog;
import java.util.Objects;

/** Set-up steps tests repeat. */
public final class LogFixtures {
  private LogFixtures() {}

  /** Defines each type with no schema (a new version when it exists with another document). */
  public static void defineTypes(CommittedLog log, String... typeIds) {
    for (String id : typeIds) {
      log.types().define(id, typeDocument(id));
    }
  }

  /** The document of a type with no schema: {@code [type] name = "<id>"}. */
  public static String typeDocument(String typeId) {
    return "[type]\nname = \"" + Objects.requireNonNull(typeId, "typeId") + "\"\n";
  }
}
