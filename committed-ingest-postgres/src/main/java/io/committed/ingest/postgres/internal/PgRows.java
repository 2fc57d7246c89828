package io.committed.ingest.postgres.internal;

import io.committed.ingest.postgres.internal.PgOutput.Column;
import io.committed.ingest.postgres.internal.PgOutput.Tuple;
import io.committed.api.Entity;
import io.committed.ingest.sql.internal.Outbox;
import io.committed.ingest.sql.internal.RowEncoder;
import io.committed.ingest.sql.internal.TableName;
import io.committed.ingest.sql.internal.TopicSpec;
import java.util.List;
import java.util.function.IntFunction;

/**
 * PostgreSQL's rows through the shared {@link RowEncoder}: pgoutput tuples, whose values may be
 * missing (an unchanged TOASTed value, marker {@code u}), which an entity must never be made from.
 */
final class PgRows {
  private PgRows() {}

  /** An encoder for a relation's columns; {@code kindOfType} resolves a type OID (domains to their base). */
  static RowEncoder<Column> encoder(TopicSpec spec, TableName table, List<Column> columns, List<String> keyColumns,
      IntFunction<ValueKind> kindOfType) {
    return new RowEncoder<>(spec, table, columns, Column::name, c -> kindOfType.apply(c.typeOid()), keyColumns);
  }

  /** True when the row lacks a value the entity needs: an unchanged TOASTed value (marker 'u'). */
  static boolean lacksValues(RowEncoder<Column> e, Tuple row) {
    for (int i : e.keyIndexes()) {
      if (i < row.size() && row.isUnchanged(i)) {
        return true;
      }
    }
    for (int i : e.dataIndexes()) {
      if (i >= 0 && i < row.size() && row.isUnchanged(i)) {
        return true;
      }
    }
    return false;
  }

  /** The key's raw column texts, in key order (for queries). */
  static List<String> keyValues(RowEncoder<Column> e, Tuple row) {
    return e.keyValues(texts(row));
  }

  /** The entity key of a row. */
  static byte[] key(RowEncoder<Column> e, Tuple row) {
    return e.key(texts(row));
  }

  /**
   * The JSON data of a row, which must have every value it needs.
   *
   * @throws IllegalStateException when an unchanged TOASTed value was not filled in
   */
  static byte[] data(RowEncoder<Column> e, Tuple row) {
    if (lacksValues(e, row)) {
      throw new IllegalStateException("a row of " + e.table() + " has an unchanged TOAST value that was not filled in");
    }
    return e.data(texts(row));
  }

  /** The entity of a row inserted into an outbox table (inserted rows have every value). */
  static Entity outbox(Outbox.Encoder<Column> e, Tuple row) {
    return e.entity(texts(row));
  }

  /** The row's texts, null where it has none (SQL NULL, or an unchanged TOASTed value). */
  private static String[] texts(Tuple row) {
    String[] v = row.values();
    for (int i = 0; i < v.length; i++) {
      if (v[i] != null && row.kinds()[i] != 't') {
        v = v.clone();
        for (int j = i; j < v.length; j++) {
          v[j] = row.kinds()[j] == 't' ? v[j] : null;
        }
        break;
      }
    }
    return v;
  }
}
