package io.committed.ingest.mysql.internal;

import io.committed.ingest.sql.internal.TableName;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Recognises a {@code TRUNCATE} statement in the binary log and the table it empties. */
final class TruncateStatement {
  private static final Pattern TRUNCATE = Pattern.compile("(?is)^(?:/\\*.*?\\*/\\s*)*truncate\\s+(?:table\\s+)?"
      + "(`(?:[^`]|``)+`|[^\\s.`;]+)(?:\\s*\\.\\s*(`(?:[^`]|``)+`|[^\\s.`;]+))?");

  private TruncateStatement() {}

  /** The table a {@code TRUNCATE} statement empties ({@code database} when it names none), else null. */
  static TableName table(String sql, String database) {
    Matcher m = TRUNCATE.matcher(sql);
    if (!m.find()) {
      return null;
    }
    return m.group(2) == null ? new TableName(database, unquoted(m.group(1)))
        : new TableName(unquoted(m.group(1)), unquoted(m.group(2)));
  }

  private static String unquoted(String identifier) {
    return identifier.startsWith("`") ? identifier.substring(1, identifier.length() - 1).replace("``", "`")
        : identifier;
  }
}
