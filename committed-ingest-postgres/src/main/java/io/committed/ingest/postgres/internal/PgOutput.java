package io.committed.ingest.postgres.internal;

import io.committed.ingest.sql.internal.TableName;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the messages of PostgreSQL's {@code pgoutput} plug-in, protocol version 1 (PostgreSQL
 * documentation, "Logical Replication Message Formats"). Values arrive in text format.
 */
public final class PgOutput {
  private PgOutput() {}

  /** One decoded message. */
  public sealed interface Message permits Begin, Commit, Relation, Insert, Update, Delete, Truncate, LogicalMessage,
      Ignored {}

  /** The start of a transaction; {@code finalLsn} is its commit record's LSN. */
  public record Begin(long finalLsn, long commitMicros, int xid) implements Message {}

  /** The end of a transaction; {@code endLsn} is the end of its commit record, the position to acknowledge. */
  public record Commit(long commitLsn, long endLsn, long commitMicros) implements Message {}

  /** A column of a relation; {@code key} when it belongs to the replica identity. */
  public record Column(String name, int typeOid, int typeModifier, boolean key) {}

  /**
   * A table's shape, sent before its first change in a session and after each change of its shape.
   *
   * @param replicaIdentity {@code d} default, {@code n} nothing, {@code f} full, {@code i} index
   */
  public record Relation(int oid, String schema, String name, char replicaIdentity, List<Column> columns)
      implements Message {

    public TableName table() {
      return new TableName(schema, name);
    }
  }

  /** A row image: per column {@code n} (null), {@code u} (unchanged TOASTed value, no value) or {@code t}. */
  public record Tuple(byte[] kinds, String[] values) {

    public int size() {
      return kinds.length;
    }

    public boolean isNull(int i) {
      return kinds[i] == 'n';
    }

    public boolean isUnchanged(int i) {
      return kinds[i] == 'u';
    }
  }

  public record Insert(int relationOid, Tuple row) implements Message {}

  /**
   * An update; {@code old} is the old key ({@code oldKind} {@code K}) or the whole old row ({@code O},
   * REPLICA IDENTITY FULL), or null when the key did not change.
   */
  public record Update(int relationOid, char oldKind, Tuple old, Tuple row) implements Message {}

  /** A delete; {@code old} is the old key ({@code K}) or the whole old row ({@code O}). */
  public record Delete(int relationOid, char oldKind, Tuple old) implements Message {}

  public record Truncate(List<Integer> relationOids) implements Message {}

  /** A message written with {@code pg_logical_emit_message}. */
  public record LogicalMessage(boolean transactional, long lsn, String prefix, byte[] content) implements Message {}

  /** A message this decoder does not need (origin, type). */
  public record Ignored(char type) implements Message {}

  /**
   * Decodes one message.
   *
   * @throws IllegalArgumentException when the message is malformed or of an unknown type
   */
  public static Message decode(ByteBuffer b) {
    char type = (char) b.get();
    switch (type) {
      case 'B':
        return new Begin(b.getLong(), b.getLong(), b.getInt());
      case 'C': {
        b.get(); // flags, unused
        return new Commit(b.getLong(), b.getLong(), b.getLong());
      }
      case 'R': {
        int oid = b.getInt();
        String schema = cstring(b);
        String name = cstring(b);
        char identity = (char) b.get();
        int n = b.getShort();
        List<Column> columns = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          boolean key = (b.get() & 1) != 0;
          String col = cstring(b);
          columns.add(new Column(col, b.getInt(), b.getInt(), key));
        }
        return new Relation(oid, schema.isEmpty() ? "pg_catalog" : schema, name, identity, List.copyOf(columns));
      }
      case 'I': {
        int oid = b.getInt();
        expect(b, 'N');
        return new Insert(oid, tuple(b));
      }
      case 'U': {
        int oid = b.getInt();
        char kind = (char) b.get();
        Tuple old = null;
        char oldKind = 0;
        if (kind == 'K' || kind == 'O') {
          oldKind = kind;
          old = tuple(b);
          kind = (char) b.get();
        }
        if (kind != 'N') {
          throw new IllegalArgumentException("pgoutput update: expected 'N', got '" + kind + "'");
        }
        return new Update(oid, oldKind, old, tuple(b));
      }
      case 'D': {
        int oid = b.getInt();
        char kind = (char) b.get();
        if (kind != 'K' && kind != 'O') {
          throw new IllegalArgumentException("pgoutput delete: expected 'K' or 'O', got '" + kind + "'");
        }
        return new Delete(oid, kind, tuple(b));
      }
      case 'T': {
        int n = b.getInt();
        b.get(); // options: cascade, restart identity
        List<Integer> oids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          oids.add(b.getInt());
        }
        return new Truncate(List.copyOf(oids));
      }
      case 'M': {
        boolean transactional = (b.get() & 1) != 0;
        long lsn = b.getLong();
        String prefix = cstring(b);
        byte[] content = new byte[b.getInt()];
        b.get(content);
        return new LogicalMessage(transactional, lsn, prefix, content);
      }
      case 'O':
      case 'Y':
        return new Ignored(type);
      default:
        throw new IllegalArgumentException("unknown pgoutput message type '" + type + "' (" + (int) type + ")");
    }
  }

  private static void expect(ByteBuffer b, char c) {
    char got = (char) b.get();
    if (got != c) {
      throw new IllegalArgumentException("pgoutput: expected '" + c + "', got '" + got + "'");
    }
  }

  private static Tuple tuple(ByteBuffer b) {
    int n = b.getShort();
    byte[] kinds = new byte[n];
    String[] values = new String[n];
    for (int i = 0; i < n; i++) {
      byte k = b.get();
      kinds[i] = k;
      if (k == 't') {
        int len = b.getInt();
        values[i] = utf8(b, len);
      } else if (k == 'b') {
        throw new IllegalArgumentException("pgoutput: binary tuple values are not requested and not supported");
      } else if (k != 'n' && k != 'u') {
        throw new IllegalArgumentException("pgoutput: unknown tuple value kind '" + (char) k + "'");
      }
    }
    return new Tuple(kinds, values);
  }

  private static String utf8(ByteBuffer b, int len) {
    String s;
    if (b.hasArray()) {
      s = new String(b.array(), b.arrayOffset() + b.position(), len, StandardCharsets.UTF_8);
      b.position(b.position() + len);
    } else {
      byte[] bytes = new byte[len];
      b.get(bytes);
      s = new String(bytes, StandardCharsets.UTF_8);
    }
    return s;
  }

  private static String cstring(ByteBuffer b) {
    int start = b.position();
    int end = start;
    while (b.get(end) != 0) {
      end++;
    }
    String s;
    if (b.hasArray()) {
      s = new String(b.array(), b.arrayOffset() + start, end - start, StandardCharsets.UTF_8);
    } else {
      byte[] bytes = new byte[end - start];
      b.get(start, bytes);
      s = new String(bytes, StandardCharsets.UTF_8);
    }
    b.position(end + 1);
    return s;
  }
}
