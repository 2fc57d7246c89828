package io.committed.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alipay.remoting.exception.DeserializationException;
import com.alipay.remoting.rpc.protocol.RpcRequestCommand;
import com.alipay.remoting.rpc.protocol.RpcResponseCommand;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ForwardCodecTest {
  private final ForwardCodec codec = codec();

  private static ForwardCodec codec() {
    ForwardCodec.register();
    return (ForwardCodec) com.alipay.remoting.CustomSerializerManager.getCustomSerializer(ForwardRequest.class.getName());
  }

  @Property
  void aForwardedRequestArrivesAsSent(@ForAll("groups") String group, @ForAll("commands") List<byte[]> commands)
      throws Exception {
    ForwardRequest sent = new ForwardRequest(group, commands);
    RpcRequestCommand out = new RpcRequestCommand(sent);
    assertThat(codec.serializeContent(out, null)).isTrue();

    RpcRequestCommand in = new RpcRequestCommand();
    in.setRequestClass(ForwardRequest.class.getName());
    in.setContent(out.getContent());
    assertThat(codec.deserializeContent(in)).isTrue();
    ForwardRequest got = (ForwardRequest) in.getRequestObject();
    assertThat(got.groupId()).isEqualTo(group);
    assertThat(got.commands().toArray(byte[][]::new)).isDeepEqualTo(commands.toArray(byte[][]::new));
  }

  @Property
  void aForwardedAnswerArrivesAsSent(@ForAll boolean notLeader, @ForAll("outcomes") List<ForwardResponse.Outcome> outcomes)
      throws Exception {
    ForwardResponse sent = new ForwardResponse(notLeader, outcomes);
    RpcResponseCommand out = new RpcResponseCommand(sent);
    assertThat(codec.serializeContent(out)).isTrue();

    RpcResponseCommand in = new RpcResponseCommand();
    in.setResponseClass(ForwardResponse.class.getName());
    in.setContent(out.getContent());
    assertThat(codec.deserializeContent(in, null)).isTrue();
    assertThat(in.getResponseObject()).isEqualTo(sent);
  }

  @Example
  void otherMessagesAreLeftToTheDefaultSerialization() throws Exception {
    assertThat(codec.serializeContent(new RpcRequestCommand("not ours"), null)).isFalse();
    assertThat(codec.serializeContent(new RpcResponseCommand("not ours"))).isFalse();
    RpcRequestCommand in = new RpcRequestCommand();
    in.setRequestClass(String.class.getName());
    assertThat(codec.deserializeContent(in)).isFalse();
  }

  @Example
  void aMessageOfAnotherFormatIsRefusedClearly() {
    RpcRequestCommand in = new RpcRequestCommand();
    in.setRequestClass(ForwardRequest.class.getName());
    in.setContent(new byte[] {(byte) (ForwardCodec.VERSION + 1), 0, 0, 0, 0});
    assertThatThrownBy(() -> codec.deserializeContent(in)).isInstanceOf(DeserializationException.class)
        .hasMessageContaining("run one release on every node");
  }

  @Example
  void aTruncatedMessageIsRefused() {
    ForwardRequest sent = new ForwardRequest("g", List.of(new byte[] {1, 2, 3}));
    byte[] whole = ForwardCodec.encode(sent);
    RpcRequestCommand in = new RpcRequestCommand();
    in.setRequestClass(ForwardRequest.class.getName());
    in.setContent(java.util.Arrays.copyOf(whole, whole.length - 1));
    assertThatThrownBy(() -> codec.deserializeContent(in)).isInstanceOf(DeserializationException.class);
  }

  @Provide
  Arbitrary<String> groups() {
    return Arbitraries.strings().ofMaxLength(40);
  }

  @Provide
  Arbitrary<List<byte[]>> commands() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(3000).list().ofMaxSize(40);
  }

  @Provide
  Arbitrary<List<ForwardResponse.Outcome>> outcomes() {
    Arbitrary<String> text = Arbitraries.strings().ofMaxLength(60).injectNull(0.3);
    return Combinators.combine(Arbitraries.longs(), Arbitraries.longs(), text, text, Arbitraries.of(true, false))
        .as(ForwardResponse.Outcome::new).list().ofMaxSize(30);
  }

  @Example
  void messagesAreImmutable() {
    List<byte[]> commands = new java.util.ArrayList<>(List.of(new byte[] {1}));
    ForwardRequest request = new ForwardRequest("g", commands);
    commands.add(new byte[] {2});
    assertThat(request.commands()).hasSize(1);
    assertThatThrownBy(() -> request.commands().add(new byte[0])).isInstanceOf(UnsupportedOperationException.class);
    ForwardResponse answer = new ForwardResponse(false, List.of(new ForwardResponse.Outcome(1, 2, null, null, false)));
    assertThatThrownBy(() -> answer.outcomes().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThat(ForwardResponse.notTheLeader().outcomes()).isEmpty();
  }
}
