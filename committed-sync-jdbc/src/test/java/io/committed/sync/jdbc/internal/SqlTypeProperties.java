package io.committed.sync.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class SqlTypeProperties {

  @Provide
  Arbitrary<String> hostile() {
    Arbitrary<String> fragments = Arbitraries.of("INT", "VARCHAR(10)", ";", "'", "\"", "`", "--", "/*", "*/", ")",
        "(", ",", " ", "DROP TABLE x", "DEFAULT", "NOT NULL", "PRIMARY KEY", "1", "\\", "\n", "$$", "[]", "COLLATE");
    return fragments.list().ofMinSize(1).ofMaxSize(8).map(l -> String.join("", l));
  }

  /** Whatever a config says, what reaches CREATE TABLE is words, digits and one parameter list. */
  @Property(tries = 2000)
  void aParsedTypeIsInert(@ForAll("hostile") String text) {
    Optional<SqlType> t = SqlType.parse(text, new String[1]);
    t.ifPresent(type -> {
      assertThat(type.sql()).matches("[A-Z][A-Z0-9_ ]*(\\(\\d+(,\\d+)?\\))?( [A-Z][A-Z0-9_ ]*)?");
      assertThat(type.sql().split("[ (),]+")).doesNotContain("DEFAULT", "NOT", "NULL", "PRIMARY", "DROP", "COLLATE");
    });
  }

  @Property(tries = 2000)
  void anyStringThatIsNotAnIdentifierIsRejected(@ForAll String s) {
    boolean plain = s.matches("[A-Za-z_][A-Za-z0-9_]{0,62}");
    assertThat(Identifiers.valid(s)).isEqualTo(plain);
  }

  @Property
  void quotedIdentifiersHaveExactlyTheirTwoQuotes(@ForAll("identifiers") String name) {
    for (Dialect d : Dialect.values()) {
      String q = d.quote(name);
      assertThat(q.chars().filter(c -> c == '"' || c == '`').count()).isEqualTo(2);
      assertThat(q).isEqualTo(q.charAt(0) + name + q.charAt(0));
    }
  }

  @Provide
  Arbitrary<String> identifiers() {
    return Arbitraries.strings().withCharRange('a', 'z').withChars('_', 'A', 'Z', '0', '9').ofMinLength(1)
        .ofMaxLength(63).filter(Identifiers::valid);
  }

  @Example
  void knownTypesParseWithTheirCategories() {
    assertThat(cat("VARCHAR(256)", Dialect.POSTGRES)).isEqualTo(SqlType.Category.TEXT);
    assertThat(cat("numeric(20, 4)", Dialect.POSTGRES)).isEqualTo(SqlType.Category.DECIMAL);
    assertThat(cat("timestamp(6) with time zone", Dialect.POSTGRES)).isEqualTo(SqlType.Category.TIMESTAMPTZ);
    assertThat(cat("TIMESTAMP", Dialect.MYSQL)).isEqualTo(SqlType.Category.TIMESTAMPTZ);
    assertThat(cat("TIMESTAMP", Dialect.H2)).isEqualTo(SqlType.Category.TIMESTAMP);
    assertThat(cat("DATETIME(6)", Dialect.MYSQL)).isEqualTo(SqlType.Category.TIMESTAMP);
    assertThat(cat("BIGINT UNSIGNED", Dialect.MYSQL)).isEqualTo(SqlType.Category.INTEGER);
    assertThat(cat("double precision", Dialect.POSTGRES)).isEqualTo(SqlType.Category.FLOAT);
    assertThat(cat("JSONB", Dialect.POSTGRES)).isEqualTo(SqlType.Category.JSON);
    assertThat(cat("BYTEA", Dialect.POSTGRES)).isEqualTo(SqlType.Category.BINARY);
    assertThat(cat("inet", Dialect.POSTGRES)).isEqualTo(SqlType.Category.OTHER);
    assertThat(SqlType.parse("timestamp(3) with time zone", new String[1]).orElseThrow().sql())
        .isEqualTo("TIMESTAMP(3) WITH TIME ZONE");
  }

  @Example
  void fractionDigitsFollowEachDialectsDefaults() {
    assertThat(type("NUMERIC").fractionDigits(Dialect.POSTGRES)).isEqualTo(-1);
    assertThat(type("DECIMAL").fractionDigits(Dialect.MYSQL)).isEqualTo(0);
    assertThat(type("NUMERIC(10,2)").fractionDigits(Dialect.H2)).isEqualTo(2);
    assertThat(type("DATETIME").fractionDigits(Dialect.MYSQL)).isEqualTo(0);
    assertThat(type("TIMESTAMP").fractionDigits(Dialect.POSTGRES)).isEqualTo(6);
    assertThat(type("TIMESTAMP(3)").fractionDigits(Dialect.POSTGRES)).isEqualTo(3);
  }

  private static SqlType type(String text) {
    return SqlType.parse(text, new String[1]).orElseThrow();
  }

  private static SqlType.Category cat(String text, Dialect d) {
    return type(text).category(d);
  }
}
