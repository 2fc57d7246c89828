package io.committed.sync.jdbc.internal;

import java.sql.BatchUpdateException;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tells data the target can never accept (permanent: the entry is dead-lettered) from trouble
 * that passes (transient: retried with backoff, never skipped).
 *
 * <p>Permanent: SQLSTATE classes 22 (data exception), 23 (integrity constraint violation), 21
 * (cardinality violation), and MySQL/MariaDB error codes for bad values and constraints.
 * Everything else is transient, in particular connection loss (class 08, PostgreSQL 57P01 admin
 * shutdown), deadlock and serialization failure (class 40), lock wait timeout (MySQL 1205),
 * insufficient resources (53), and a missing table (42P01, which a restart recreates). When the
 * chain of causes holds both kinds, the transient one wins: a broken connection says nothing about
 * the data.
 */
public final class Errors {
  /** MySQL/MariaDB error codes that mean the data is at fault. */
  private static final Set<Integer> MYSQL_PERMANENT = Set.of(
      1048, // column cannot be null
      1062, // duplicate entry
      1169, // duplicate entry (unique constraint on update)
      1216, 1217, 1451, 1452, // foreign key constraint fails
      1264, // out of range value
      1265, // data truncated
      1292, // incorrect (truncated) value
      1366, // incorrect value for column
      1406, // data too long
      1411, // incorrect value for function
      1690, // value out of range
      3140, // invalid JSON text
      3819, // check constraint violated (MySQL)
      4025); // check constraint violated (MariaDB)
  private static final Set<Integer> MYSQL_TRANSIENT = Set.of(1205, 1213, 1040, 1053, 2002, 2003, 2006, 2013);

  private Errors() {}

  /** True when {@code e} (or what caused it) says the data is at fault. */
  public static boolean isPermanent(Throwable e) {
    boolean permanent = false;
    for (Throwable t : chain(e)) {
      if (t instanceof SQLException s) {
        Kind k = kind(s);
        if (k == Kind.TRANSIENT) {
          return false;
        }
        permanent |= k == Kind.PERMANENT;
      }
    }
    return permanent;
  }

  private enum Kind { PERMANENT, TRANSIENT, UNKNOWN }

  private static Kind kind(SQLException s) {
    if (s instanceof SQLNonTransientConnectionException || s instanceof SQLTransientException
        || s instanceof SQLRecoverableException) {
      return Kind.TRANSIENT;
    }
    String state = s.getSQLState();
    if (state != null && state.length() >= 2) {
      String cls = state.substring(0, 2);
      switch (cls) {
        case "08", "40", "53", "57", "58" -> {
          return Kind.TRANSIENT;
        }
        case "21", "22", "23" -> {
          return Kind.PERMANENT;
        }
        default -> { }
      }
    }
    int code = s.getErrorCode();
    if (MYSQL_TRANSIENT.contains(code)) {
      return Kind.TRANSIENT;
    }
    if (MYSQL_PERMANENT.contains(code)) {
      return Kind.PERMANENT;
    }
    if (s instanceof SQLIntegrityConstraintViolationException || s instanceof SQLDataException) {
      return Kind.PERMANENT;
    }
    return Kind.UNKNOWN;
  }

  /** The exception, its causes and (for JDBC) its chained next exceptions, each once. */
  static List<Throwable> chain(Throwable e) {
    List<Throwable> out = new ArrayList<>();
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    List<Throwable> todo = new ArrayList<>();
    todo.add(e);
    while (!todo.isEmpty() && out.size() < 64) {
      Throwable t = todo.remove(0);
      if (t == null || seen.put(t, true) != null) {
        continue;
      }
      out.add(t);
      todo.add(t.getCause());
      if (t instanceof SQLException s) {
        todo.add(s.getNextException());
      }
    }
    return out;
  }

  /** A one-line description naming SQLSTATE and vendor code, with the most specific message. */
  public static String describe(Throwable e) {
    StringBuilder out = new StringBuilder();
    for (Throwable t : chain(e)) {
      if (t instanceof BatchUpdateException b && (b.getCause() != null || b.getNextException() != null)) {
        continue; // the underlying exception says it better (and drivers may quote row values here)
      }
      String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().strip();
      if (out.indexOf(msg) >= 0) {
        continue;
      }
      if (out.length() > 0) {
        out.append(" <- ");
      }
      out.append(msg);
      if (t instanceof SQLException s && s.getSQLState() != null) {
        out.append(" [SQLSTATE ").append(s.getSQLState()).append(s.getErrorCode() != 0 ? ", code " + s.getErrorCode()
            : "").append(']');
      }
      if (out.length() > 1000) {
        break;
      }
    }
    return out.toString();
  }
}
