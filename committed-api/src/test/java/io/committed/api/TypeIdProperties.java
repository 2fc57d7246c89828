package io.committed.api;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** {@link Entity#isTypeId} accepts exactly what {@link Entity#TYPE_ID_PATTERN} matches. */
class TypeIdProperties {

  @Provide
  Arbitrary<String> ids() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars("aZ09_.-").ofMinLength(0).ofMaxLength(140),
        Arbitraries.strings().withChars("ab._-\u00e9 /:\u0000").ofMinLength(0).ofMaxLength(6),
        Arbitraries.strings().ofMinLength(0).ofMaxLength(10));
  }

  @Property(tries = 3000)
  void theCheckAgreesWithThePattern(@ForAll("ids") String id) {
    assertThat(Entity.isTypeId(id)).as("'%s'", id).isEqualTo(Entity.TYPE_ID_PATTERN.matcher(id).matches());
  }

  @Example
  void edges() {
    assertThat(Entity.isTypeId("a".repeat(128))).isTrue();
    assertThat(Entity.isTypeId("a".repeat(129))).isFalse();
    assertThat(Entity.isTypeId(".a")).isFalse();
    assertThat(Entity.isTypeId("_a.b-c")).isTrue();
    assertThat(Entity.isTypeId("")).isFalse();
  }
}
