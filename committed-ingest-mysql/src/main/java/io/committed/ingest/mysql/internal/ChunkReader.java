package io.committed.ingest.mysql.internal;

import io.committed.api.Entity;
import io.committed.ingest.sql.internal.RowEncoder;
import io.committed.ingest.sql.internal.SourceException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Reads one chunk of a table: the next {@code batchSize} rows in primary-key order after a key,
 * as entities encoded exactly as the binlog path encodes them (the columns selected through
 * {@link ValueKind#select}, read through {@link ValueKind#fromJdbc}). The statement runs in
 * auto-commit mode: InnoDB reads it from one consistent view taken when it starts, and takes no
 * locks.
 */
final class ChunkReader {
  /**
   * A chunk: its rows by entity key, in key order; the last row's key texts (null when empty); and
   * whether it is the table's last chunk (fewer rows than asked for).
   */
  record Chunk(Map<ByteBuffer, Entity> rows, List<String> lastKey, boolean last) {}

  private final Connection connection;
  private final int batchSize;

  ChunkReader(Connection connection, int batchSize) {
    this.connection = connection;
    this.batchSize = batchSize;
  }

  /**
   * The chunk after key {@code after} (null: from the first row).
   *
   * @throws SourceException when a key column's type cannot be paged through (JSON, SET, geometry)
   */
  Chunk read(TableInfo info, RowEncoder<ColumnInfo> encoder, List<String> after) throws SQLException {
    List<ColumnInfo> key = keyColumns(info);
    try (PreparedStatement s = connection.prepareStatement(query(info, key, after != null))) {
      int p = 1;
      if (after != null) {
        for (int k = 0; k < key.size(); k++) {
          for (int j = 0; j <= k; j++) {
            bind(s, p++, key.get(j), after.get(j));
          }
        }
      }
      s.setInt(p, batchSize);
      Map<ByteBuffer, Entity> rows = new LinkedHashMap<>();
      List<String> last = null;
      int n = info.columns().size();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          String[] values = new String[n];
          for (int i = 0; i < n; i++) {
            values[i] = info.columns().get(i).kind().fromJdbc(r, i + 1);
          }
          byte[] k = encoder.key(values);
          last = encoder.keyValues(values);
          rows.put(ByteBuffer.wrap(k), Entity.upsert(encoder.topic(), k, encoder.data(values)));
        }
      }
      if (after != null && after.equals(last)) {
        // the key's comparison in SQL disagrees with its order: paging would repeat this chunk forever
        throw new SourceException("the snapshot of " + info.name() + " does not advance past key " + after
            + ": its key columns " + info.keyColumns() + " do not compare as they sort; name other key columns in"
            + " primaryKey, or set [sql.mysql] snapshot = \"never\"");
      }
      return new Chunk(rows, last, rows.size() < batchSize);
    }
  }

  private static List<ColumnInfo> keyColumns(TableInfo info) {
    List<ColumnInfo> key = new ArrayList<>();
    for (String k : info.keyColumns()) {
      ColumnInfo c = info.column(k);
      switch (c.kind()) {
        case JSON, SET, GEOMETRY -> throw new SourceException("the snapshot pages through " + info.name() + " by its key,"
            + " and key column '" + k + "' is of type " + c.sqlType() + ", which has no order to page by: name other"
            + " key columns in primaryKey, or set [sql.mysql] snapshot = \"never\"");
        default -> key.add(c);
      }
    }
    return key;
  }

  /** {@code select ... where (k1 > ?) or (k1 = ? and k2 > ?) ... order by k1, k2 limit ?}: ranges an index can use. */
  private static String query(TableInfo info, List<ColumnInfo> key, boolean after) {
    StringJoiner cols = new StringJoiner(", ");
    info.columns().forEach(c -> cols.add(c.kind().select(Sql.ident(c.name()))));
    StringBuilder q = new StringBuilder("select ").append(cols).append(" from ").append(Sql.table(info.name()));
    if (after) {
      StringJoiner or = new StringJoiner(" or ", " where ", "");
      for (int k = 0; k < key.size(); k++) {
        StringJoiner and = new StringJoiner(" and ", "(", ")");
        for (int j = 0; j < k; j++) {
          and.add(Sql.ident(key.get(j).name()) + " = ?");
        }
        and.add(Sql.ident(key.get(k).name()) + " > ?");
        or.add(and.toString());
      }
      q.append(or);
    }
    q.append(" order by ").append(Sql.idents(info.keyColumns())).append(" limit ?");
    return q.toString();
  }

  /** Binds a key text (as {@link ValueKind} writes it) as a value that compares as the column does. */
  private static void bind(PreparedStatement s, int i, ColumnInfo c, String text) throws SQLException {
    switch (c.kind()) {
      case INTEGER, UNSIGNED, DECIMAL, BIT, YEAR -> s.setBigDecimal(i, new BigDecimal(text)); // exact, unlike a string
      case FLOAT -> s.setDouble(i, Float.parseFloat(text));
      case DOUBLE -> s.setDouble(i, Double.parseDouble(text));
      case BINARY -> s.setBytes(i, Base64.getDecoder().decode(text));
      case DATETIME, TIMESTAMP -> s.setString(i, text.replace('T', ' ').replace("Z", ""));
      case ENUM -> s.setInt(i, c.labels().indexOf(text) + 1); // an ENUM sorts and compares as its index
      default -> s.setString(i, text); // DATE, TIME, TEXT: compared in the column's type and collation
    }
  }
}
