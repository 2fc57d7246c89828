package io.committed.ingest.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.ingest.postgres.internal.PgOutput.Column;
import io.committed.ingest.postgres.internal.PgOutput.Tuple;
import io.committed.ingest.sql.internal.RowEncoder;
import io.committed.ingest.sql.internal.TableName;
import io.committed.ingest.sql.internal.TopicSpec;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The decoder against messages built by hand after the protocol documentation. */
class PgOutputTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final DataOutputStream out = new DataOutputStream(bytes);

  private ByteBuffer done() {
    return ByteBuffer.wrap(bytes.toByteArray());
  }

  private void cstring(String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.UTF_8));
    out.write(0);
  }

  private void tuple(Object... values) throws IOException {
    out.writeShort(values.length);
    for (Object v : values) {
      if (v == null) {
        out.write('n');
      } else if (v == Tuple.class) {
        out.write('u');
      } else {
        byte[] b = ((String) v).getBytes(StandardCharsets.UTF_8);
        out.write('t');
        out.writeInt(b.length);
        out.write(b);
      }
    }
  }

  @Test
  void beginAndCommit() throws IOException {
    out.write('B');
    out.writeLong(0x16B3748L);
    out.writeLong(123L);
    out.writeInt(77);
    assertThat(PgOutput.decode(done())).isEqualTo(new PgOutput.Begin(0x16B3748L, 123L, 77));
    bytes.reset();
    out.write('C');
    out.write(0);
    out.writeLong(10L);
    out.writeLong(20L);
    out.writeLong(30L);
    assertThat(PgOutput.decode(done())).isEqualTo(new PgOutput.Commit(10L, 20L, 30L));
  }

  @Test
  void relation() throws IOException {
    out.write('R');
    out.writeInt(16384);
    cstring("public");
    cstring("Ørders");
    out.write('d');
    out.writeShort(2);
    out.write(1);
    cstring("id");
    out.writeInt(23);
    out.writeInt(-1);
    out.write(0);
    cstring("name");
    out.writeInt(25);
    out.writeInt(-1);
    PgOutput.Relation r = (PgOutput.Relation) PgOutput.decode(done());
    assertThat(r.table()).isEqualTo(new TableName("public", "Ørders"));
    assertThat(r.replicaIdentity()).isEqualTo('d');
    assertThat(r.columns()).containsExactly(new Column("id", 23, -1, true), new Column("name", 25, -1, false));
  }

  @Test
  void updateWithAnOldKeyAndAnUnchangedToastedValue() throws IOException {
    out.write('U');
    out.writeInt(16384);
    out.write('K');
    tuple("1", null, null);
    out.write('N');
    tuple("2", Tuple.class, "日本");
    PgOutput.Update u = (PgOutput.Update) PgOutput.decode(done());
    assertThat(u.oldKind()).isEqualTo('K');
    assertThat(u.old().values()[0]).isEqualTo("1");
    assertThat(u.old().isNull(1)).isTrue();
    assertThat(u.row().isUnchanged(1)).isTrue();
    assertThat(u.row().values()[2]).isEqualTo("日本");
  }

  @Test
  void insertDeleteTruncateAndMessage() throws IOException {
    out.write('I');
    out.writeInt(5);
    out.write('N');
    tuple("", null);
    PgOutput.Insert i = (PgOutput.Insert) PgOutput.decode(done());
    assertThat(i.row().values()[0]).isEmpty();
    assertThat(i.row().isNull(1)).isTrue();

    bytes.reset();
    out.write('D');
    out.writeInt(5);
    out.write('O');
    tuple("9", "x");
    assertThat(((PgOutput.Delete) PgOutput.decode(done())).oldKind()).isEqualTo('O');

    bytes.reset();
    out.write('T');
    out.writeInt(2);
    out.write(0);
    out.writeInt(5);
    out.writeInt(6);
    assertThat(PgOutput.decode(done())).isEqualTo(new PgOutput.Truncate(List.of(5, 6)));

    bytes.reset();
    out.write('M');
    out.write(1);
    out.writeLong(99);
    cstring("committed.heartbeat");
    out.writeInt(3);
    out.write(new byte[] {1, 2, 3});
    PgOutput.LogicalMessage m = (PgOutput.LogicalMessage) PgOutput.decode(done());
    assertThat(m.transactional()).isTrue();
    assertThat(m.prefix()).isEqualTo("committed.heartbeat");
    assertThat(m.content()).containsExactly(1, 2, 3);
  }

  @Test
  void unknownMessagesAreAnError() {
    assertThatThrownBy(() -> PgOutput.decode(ByteBuffer.wrap(new byte[] {'Z'})))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown pgoutput message type 'Z'");
  }

  @Test
  void rowsBecomeKeysAndDataAsMapped() {
    TopicSpec spec = new TopicSpec("people", List.of(new TableName("public", "p")), List.of("region", "id"), true,
        Set.of("secret"), Set.of("doc"), Map.of("full_name", "name"));
    List<Column> cols = List.of(new Column("id", 23, -1, true), new Column("region", 25, -1, true),
        new Column("full_name", 25, -1, false), new Column("secret", 25, -1, false), new Column("doc", 25, -1, false));
    RowEncoder<Column> e = PgRows.encoder(spec, new TableName("public", "p"), cols, List.of("region", "id"),
        ValueKind::ofType);
    Tuple row = new Tuple(new byte[] {'t', 't', 't', 't', 't'},
        new String[] {"7", "eu", "Ada \"L\"", "pw", "{\"x\": [1.50]}"});
    assertThat(new String(PgRows.key(e, row), StandardCharsets.UTF_8)).isEqualTo("[\"eu\",\"7\"]");
    assertThat(new String(PgRows.data(e, row), StandardCharsets.UTF_8))
        .isEqualTo("{\"id\":7,\"region\":\"eu\",\"name\":\"Ada \\\"L\\\"\",\"doc\":{\"x\": [1.50]}}");
    Tuple notJson = new Tuple(row.kinds(), new String[] {"7", "eu", "A", "pw", "{not json"});
    assertThat(new String(PgRows.data(e, notJson), StandardCharsets.UTF_8)).endsWith("\"doc\":\"{not json\"}");
    Tuple toasted = new Tuple(new byte[] {'t', 't', 'u', 't', 't'}, row.values());
    assertThat(PgRows.lacksValues(e, toasted)).isTrue();
    assertThatThrownBy(() -> PgRows.key(e, new Tuple(new byte[] {'t', 'n', 't', 't', 't'}, row.values())))
        .hasMessageContaining("replica identity");
    assertThatThrownBy(() -> PgRows.data(e, toasted)).hasMessageContaining("unchanged TOAST value");
  }
}
