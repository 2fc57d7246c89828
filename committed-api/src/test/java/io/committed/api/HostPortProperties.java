package io.committed.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class HostPortProperties {

  @Provide
  Arbitrary<String> hostNames() {
    Arbitrary<String> label = Combinators.combine(
        Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').ofLength(1),
        Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('0', '9')
            .withChars('-', '_').ofMaxLength(20),
        Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').ofLength(1))
        .as((a, b, c) -> b.isEmpty() ? a : a + b + c);
    return label.list().ofMinSize(1).ofMaxSize(4).map(l -> String.join(".", l));
  }

  @Provide
  Arbitrary<String> ipv4() {
    return Arbitraries.integers().between(0, 255).list().ofSize(4)
        .map(o -> o.get(0) + "." + o.get(1) + "." + o.get(2) + "." + o.get(3));
  }

  /** IPv6 addresses in their full and compressed forms, as the JDK formats and reads them. */
  @Provide
  Arbitrary<String> ipv6() {
    Arbitrary<String> full = Arbitraries.integers().between(0, 0xffff).list().ofSize(8)
        .map(g -> String.join(":", g.stream().map(Integer::toHexString).toList()));
    Arbitrary<String> compressed = Combinators.combine(
        Arbitraries.integers().between(0, 0xffff).list().ofMaxSize(3),
        Arbitraries.integers().between(0, 0xffff).list().ofMaxSize(3))
        .as((a, b) -> String.join(":", a.stream().map(Integer::toHexString).toList()) + "::"
            + String.join(":", b.stream().map(Integer::toHexString).toList()));
    Arbitrary<String> mapped = ipv4().map(v4 -> "::ffff:" + v4);
    return Arbitraries.oneOf(full, compressed, mapped);
  }

  @Provide
  Arbitrary<String> hosts() {
    return Arbitraries.oneOf(hostNames(), ipv4(), ipv6());
  }

  @Property
  void whatToStringWritesParseReadsBack(@ForAll("hosts") String host, @ForAll @IntRange(max = 65535) int port) {
    HostPort a = new HostPort(host, port);
    HostPort back = HostPort.parse(a.toString());
    assertThat(back).isEqualTo(a);
    assertThat(back.host()).isEqualTo(host);
    assertThat(a.toString()).startsWith(a.isIpv6() ? "[" : host);
  }

  @Property
  void generatedIpv6AddressesAreOnesTheJdkReads(@ForAll("ipv6") String host) throws Exception {
    assertThat(InetAddress.getByName(host)).isNotNull(); // a literal: read, not looked up
    assertThat(new HostPort(host, 1).isIpv6()).isTrue();
  }

  /** What HostPort takes for an IPv6 address, the JDK reads as one (a literal, so no lookup happens). */
  @Property(tries = 1000)
  void acceptedIpv6AddressesAreOnesTheJdkReads(@ForAll("ipv6Like") String host) throws Exception {
    boolean accepted;
    try {
      new HostPort(host, 1);
      accepted = true;
    } catch (IllegalArgumentException e) {
      accepted = false;
    }
    if (accepted) {
      assertThat(InetAddress.getByName(host)).isNotNull();
    }
  }

  @Provide
  Arbitrary<String> ipv6Like() {
    return Arbitraries.oneOf(ipv6(), Arbitraries.strings().withChars("0123456789abcdef:.").ofMinLength(2).ofMaxLength(20))
        .filter(h -> h.indexOf(':') >= 0 && (h.charAt(0) == ':' || Character.digit(h.charAt(0), 16) >= 0));
  }

  @Property
  void anyTextIsReadBackOrRefusedWithIllegalArgument(@ForAll String text) {
    HostPort parsed;
    try {
      parsed = HostPort.parse(text);
    } catch (IllegalArgumentException refused) {
      assertThat(refused.getMessage()).isNotBlank();
      return;
    }
    assertThat(HostPort.parse(parsed.toString())).isEqualTo(parsed);
  }

  @Property
  void textMadeOfAddressCharactersIsReadBackOrRefused(
      @ForAll("addressLike") String text) {
    anyTextIsReadBackOrRefusedWithIllegalArgument(text);
  }

  @Provide
  Arbitrary<String> addressLike() {
    return Arbitraries.strings().withChars("0123456789abcdefAF.:[]%-_x").ofMaxLength(24);
  }

  @Property
  void portsOutsideTheRangeAreRefusedNamingThePort(@ForAll("hosts") String host,
      @ForAll @IntRange(min = 65536, max = 99999) int port) {
    String text = new HostPort(host, 1).toString().replaceFirst(":1$", ":" + port);
    assertThatThrownBy(() -> HostPort.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port").hasMessageContaining(String.valueOf(port));
  }

  @Property
  void ipv6WithoutBracketsIsRefusedWithTheHint(@ForAll("ipv6") String host, @ForAll @IntRange(max = 65535) int port) {
    assertThatThrownBy(() -> HostPort.parse(host + ":" + port)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("brackets");
  }

  @Example
  void examples() {
    assertThat(HostPort.parse("n1:9022")).isEqualTo(new HostPort("n1", 9022));
    assertThat(HostPort.parse("[::1]:9021")).isEqualTo(new HostPort("::1", 9021));
    assertThat(HostPort.parse("[fe80::1%eth0]:80").host()).isEqualTo("fe80::1%eth0");
    assertThat(HostPort.parse("10.0.0.7:0").port()).isZero();
    assertThat(new HostPort("::1", 9021)).hasToString("[::1]:9021");
    for (String bad : List.of("", "localhost", "localhost:", "localhost:http", ":9021", "http://n1:9022",
        "n1:9022/", " n1:9022", "n1 :9022", "[::1]", "[::1]9021", "[n1]:9022", "[::1:9021", "a..b:1", "-a:1",
        "a_b-:1", "1:2:3:4:5:6:7:8:9:1", "[1:2:3:4:5:6:7:8:9]:1", "[1::2::3]:1", "[12345::]:1", "n1:-1", "n1:+80",
        "n1:065536")) {
      assertThatThrownBy(() -> HostPort.parse(bad)).as("'%s'", bad).isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> HostPort.parse(null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("null");
    assertThatThrownBy(() -> HostPort.parse("n1:99999")).hasMessage(
        "'n1:99999' is not host:port: the port must be a number from 0 to 65535, was 99999");
    assertThatThrownBy(() -> HostPort.parse("::1:9021")).hasMessageContaining("[::1]:9021");
    assertThatThrownBy(() -> new HostPort("n1", 70000)).hasMessageContaining("70000");
    assertThatThrownBy(() -> new HostPort("bad host", 1)).hasMessageContaining("' '");
  }
}
