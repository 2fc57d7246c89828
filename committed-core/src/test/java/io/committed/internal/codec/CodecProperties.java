package io.committed.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.api.Proposal;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class CodecProperties {

  @Provide
  Arbitrary<Proposal> proposals() {
    Arbitrary<String> types = Arbitraries.strings().withChars("abcXYZ019_.-").ofMinLength(1).ofMaxLength(12)
        .filter(t -> Entity.TYPE_ID_PATTERN.matcher(t).matches());
    Arbitrary<Entity> entity = Combinators.combine(types,
        Arbitraries.bytes().array(byte[].class).ofMaxSize(50),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(500),
        Arbitraries.of(true, false))
        .as((t, k, d, del) -> del ? Entity.delete(t, k) : Entity.upsert(t, k, d));
    return entity.list().ofMinSize(1).ofMaxSize(6).map(Proposal::new);
  }

  @Property
  void entriesRoundTripAndEncodedSizeIsExact(@ForAll("proposals") Proposal p,
      @ForAll @LongRange(min = 0, max = 4_000_000_000_000_000L) long micros,
      @ForAll @IntRange(min = 0, max = 100_000) int version, @ForAll @LongRange(min = 1) long index) {
    Map<String, Integer> versions = new HashMap<>();
    p.entities().forEach(e -> versions.put(e.typeId(), version));
    BytesWriter out = new BytesWriter(8);
    EntryCodec.encode(out, micros, p, versions::get);
    byte[] body = out.toByteArray();

    assertThat(body.length).isEqualTo(EntryCodec.encodedSize(micros, p, versions::get));
    LogEntry e = EntryCodec.decode(index, body);
    assertThat(e.index()).isEqualTo(index);
    assertThat(e.proposal()).isEqualTo(p);
    assertThat(EntryCodec.toMicros(e.timestamp())).isEqualTo(micros);
    if (version > 0) {
      assertThat(e.typeVersions()).isEqualTo(versions);
    } else {
      assertThat(e.typeVersions()).isEmpty();
    }
    assertThat(EntryCodec.typeIds(body, 0, body.length)).containsExactlyElementsOf(
        p.entities().stream().map(Entity::typeId).distinct().toList());
  }

  @Provide
  Arbitrary<Proposal> smallProposals() {
    // few types and short keys, so that a scrub's type and keys often match
    Arbitrary<Entity> entity = Combinators.combine(Arbitraries.of("a", "b"),
        Arbitraries.bytes().between((byte) 0, (byte) 2).array(byte[].class).ofMaxSize(2),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(40),
        Arbitraries.of(true, false, false))
        .as((t, k, d, del) -> del ? Entity.delete(t, k) : Entity.upsert(t, k, d));
    return entity.list().ofMinSize(1).ofMaxSize(8).map(Proposal::new);
  }

  @Property
  void aScrubTurnsExactlyTheMatchingUpsertsIntoTombstonesAndIsIdempotent(@ForAll("smallProposals") Proposal p,
      @ForAll("smallProposals") Proposal keySource, @ForAll @LongRange(min = 0, max = 1L << 50) long micros) {
    String type = keySource.entities().get(0).typeId();
    java.util.Set<java.nio.ByteBuffer> keys = new java.util.HashSet<>();
    keySource.entities().forEach(e -> keys.add(java.nio.ByteBuffer.wrap(e.key())));
    BytesWriter out = new BytesWriter(8);
    EntryCodec.encode(out, micros, p, t -> 3);
    byte[] body = out.toByteArray();

    byte[] scrubbed = EntryCodec.scrub(body, type, keys);

    java.util.List<Entity> expected = p.entities().stream()
        .map(e -> !e.delete() && e.typeId().equals(type) && keys.contains(java.nio.ByteBuffer.wrap(e.key()))
            ? Entity.delete(e.typeId(), e.key()) : e)
        .toList();
    if (expected.equals(p.entities())) {
      assertThat(scrubbed).isNull();
      return;
    }
    assertThat(scrubbed.length).isLessThanOrEqualTo(body.length);
    LogEntry e = EntryCodec.decode(7, scrubbed);
    assertThat(e.proposal().entities()).isEqualTo(expected);
    assertThat(EntryCodec.toMicros(e.timestamp())).isEqualTo(micros);
    assertThat(e.typeVersions()).containsOnlyKeys(expected.stream().map(Entity::typeId).distinct().toArray(String[]::new));
    assertThat(EntryCodec.scrubbedEntities(scrubbed)).isEqualTo(
        (int) java.util.stream.IntStream.range(0, expected.size())
            .filter(i -> !expected.get(i).equals(p.entities().get(i))).count());
    assertThat(EntryCodec.scrub(scrubbed, type, keys)).isNull(); // a second scrub finds nothing left
    for (Entity kept : expected) {
      if (!kept.delete()) { // every byte of the data that stays is still there
        assertThat(new String(scrubbed, java.nio.charset.StandardCharsets.ISO_8859_1))
            .contains(new String(kept.data(), java.nio.charset.StandardCharsets.ISO_8859_1));
      }
    }
  }

  @Property
  void truncatedEntriesFailAsCorruptNeverAsSomethingElse(@ForAll("proposals") Proposal p,
      @ForAll @IntRange(min = 1, max = 1000) int cut) {
    BytesWriter out = new BytesWriter(8);
    EntryCodec.encode(out, 1, p, t -> 1);
    byte[] body = out.toByteArray();
    byte[] truncated = Arrays.copyOf(body, Math.max(0, body.length - cut));
    assertThatThrownBy(() -> EntryCodec.decode(1, truncated)).isInstanceOf(CorruptDataException.class);
  }

  @Property
  void varintsRoundTrip(@ForAll @LongRange(min = 0) long v) {
    BytesWriter w = new BytesWriter(1).varLong(v);
    assertThat(w.size()).isEqualTo(BytesWriter.varLongSize(v));
    BytesReader r = new BytesReader(w.toByteArray());
    assertThat(r.varLong()).isEqualTo(v);
    r.expectEnd("varint");
  }

  @Example
  void microsecondsSurvive() {
    Instant t = Instant.parse("2026-11-22T10:15:30.123456Z");
    assertThat(EntryCodec.fromMicros(EntryCodec.toMicros(t))).isEqualTo(t);
  }

  @Example
  void anOverlongVarintIsCorrupt() {
    byte[] eleven = new byte[11];
    Arrays.fill(eleven, (byte) 0x80);
    assertThatThrownBy(() -> new BytesReader(eleven).varLong()).isInstanceOf(CorruptDataException.class);
  }
}
