package io.committed.sync.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.api.Trigger;

/**
 * An H2 trigger that counts each row written to its table in {@code <table>_writes}, in the
 * writing transaction: the H2 counterpart of the SQL triggers the scenarios install elsewhere.
 */
public final class H2WriteCounter implements Trigger {
  private String counter;

  @Override
  public void init(Connection conn, String schemaName, String triggerName, String tableName, boolean before,
      int type) {
    counter = schemaName + "." + tableName + "_writes"; // unquoted: H2 folds it as the CREATE TABLE did
  }

  @Override
  public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
    try (Statement s = conn.createStatement()) {
      s.executeUpdate("UPDATE " + counter + " SET n = n + 1");
    }
  }
}
