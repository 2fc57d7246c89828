package io.committed.raft;

import static org.assertj.core.api.Assertions.assertThat;

import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.entity.PeerId;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SelfAddressCheckTest {
  private static final Path DIR = Path.of("/data/n3");

  private static PeerId peer(int id, String address) {
    return PeerAddress.peerId(id, address);
  }

  private static SelfAddressCheck.Outcome check(Configuration stored, PeerId self) {
    return SelfAddressCheck.check(stored, self, "g", DIR);
  }

  @Test
  void aNodeAtItsStoredAddressOrWithNothingStoredFits() {
    Configuration three = new Configuration(List.of(peer(1, "a:1"), peer(2, "b:1"), peer(3, "c:1")));
    assertThat(check(three, peer(3, "c:1"))).isInstanceOf(SelfAddressCheck.Fits.class);
    assertThat(check(new Configuration(), peer(3, "c:1"))).isInstanceOf(SelfAddressCheck.Fits.class);
    Configuration learner = new Configuration(List.of(peer(1, "a:1")), List.of(peer(3, "c:1")));
    assertThat(check(learner, peer(3, "c:1"))).isInstanceOf(SelfAddressCheck.Fits.class);
  }

  @Test
  void theOnlyVoterTakesItsNewPlaceKeepingTheLearners() {
    Configuration stored = new Configuration(List.of(peer(1, "a:1")), List.of(peer(2, "b:1")));
    SelfAddressCheck.Outcome o = check(stored, peer(1, "new:2"));
    assertThat(o).isInstanceOfSatisfying(SelfAddressCheck.TakePlace.class, t -> {
      assertThat(t.before()).isEqualTo("a:1");
      assertThat(t.next().getPeers()).containsExactly(peer(1, "new:2"));
      assertThat(t.next().getLearners()).containsExactly(peer(2, "b:1"));
    });
  }

  @Test
  void aMovedMemberOfALargerGroupIsRefusedNamingBothAddressesAndTheWayOut() {
    Configuration three = new Configuration(List.of(peer(1, "a:1"), peer(2, "b:1"), peer(3, "c:1")));
    assertThat(check(three, peer(3, "c2:9"))).isInstanceOfSatisfying(SelfAddressCheck.Refuse.class, r ->
        assertThat(r.message()).contains("stored in /data/n3 as a voter at c:1", "started with the address c2:9",
            "start it again with the address c:1", "DELETE /v1/membership/3", "join=true", "promote"));
    // a learner of a one-voter group cannot reset the group either
    Configuration learner = new Configuration(List.of(peer(1, "a:1")), List.of(peer(3, "c:1")));
    assertThat(check(learner, peer(3, "c2:9"))).isInstanceOfSatisfying(SelfAddressCheck.Refuse.class, r ->
        assertThat(r.message()).contains("as a learner at c:1"));
  }

  @Test
  void aNodeWhoseIdIsNotStoredWaitsToBeAdded() {
    Configuration two = new Configuration(List.of(peer(1, "a:1"), peer(2, "b:1")));
    assertThat(check(two, peer(3, "c:1"))).isInstanceOfSatisfying(SelfAddressCheck.NotAMember.class, m ->
        assertThat(m.message()).contains("not a member", "addLearner(3, \"c:1\")"));
  }
}
