package io.committed.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProposalBatchTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String key(ProposalBatch.Item item) {
    return new String(item.proposal().entities().get(0).key(), StandardCharsets.UTF_8);
  }

  @Test
  void anArrayIsSplitIntoItsProposalsInOrder() {
    List<ProposalBatch.Item> items = ProposalBatch.array(utf8("""
        [ {"entities":[{"typeId":"t","key":"a","data":{"n":[1,{"x":"]}"}]}}]},
          {"entities":[{"typeId":"t","key":"b","data":2}]} ]"""), 10);
    assertThat(items).hasSize(2);
    assertThat(key(items.get(0))).isEqualTo("a");
    assertThat(items.get(0).proposal().entities().get(0).dataAsString()).isEqualTo("{\"n\":[1,{\"x\":\"]}\"}]}");
    assertThat(key(items.get(1))).isEqualTo("b");
  }

  @Test
  void ndjsonIsSplitByLineSkippingBlankOnes() {
    List<ProposalBatch.Item> items = ProposalBatch.lines(utf8(
        "{\"entities\":[{\"typeId\":\"t\",\"key\":\"a\",\"data\":1}]}\r\n\n  \n"
            + "{\"entities\":[{\"typeId\":\"t\",\"key\":\"b\",\"data\":2}]}"), 10);
    assertThat(items).extracting(ProposalBatchTest::key).containsExactly("a", "b");
  }

  @Test
  void anItemThatIsNotAProposalIsReportedInItsPlace() {
    List<ProposalBatch.Item> items = ProposalBatch.array(utf8("""
        [{"entities":[{"typeId":"t","key":"a","data":1}]},
         {"entities":[{"typeId":"t","key":"b"}]},
         {"entities":[]},
         7,
         {"entities":[{"typeId":"t","key":"c","data":3}]}]"""), 10);
    assertThat(items).hasSize(5);
    assertThat(items.get(0).proposal()).isNotNull();
    assertThat(items.get(1).error().code()).isEqualTo("invalid_entity");
    assertThat(items.get(1).error().details()).containsEntry("item", 1).containsEntry("field", "data");
    assertThat(items.get(2).error().code()).isEqualTo("empty_proposal");
    assertThat(items.get(2).error().status()).isEqualTo(400);
    assertThat(items.get(3).error().code()).isEqualTo("invalid_request");
    assertThat(key(items.get(4))).isEqualTo("c");
  }

  @Test
  void aBodyThatCannotBeSplitIsRefusedWhole() {
    assertThatThrownBy(() -> ProposalBatch.array(utf8("{\"entities\":[]}"), 10))
        .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo("invalid_request"));
    assertThatThrownBy(() -> ProposalBatch.array(utf8("[{\"entities\":[{\"typeId\":\"t\",\"data\":tru}]}]"), 10))
        .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo("invalid_json"));
    assertThatThrownBy(() -> ProposalBatch.array(utf8("[{\"entities\":null}"), 10))
        .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo("invalid_json"));
    assertThatThrownBy(() -> ProposalBatch.array(utf8("[] []"), 10))
        .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo("invalid_json"));
    assertThatThrownBy(() -> ProposalBatch.array(utf8("[]"), 10))
        .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo("empty_batch"));
    assertThatThrownBy(() -> ProposalBatch.lines(utf8("\n \n"), 10))
        .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo("empty_batch"));
    assertThatThrownBy(() -> ProposalBatch.lines(utf8(
        "{\"entities\":[{\"typeId\":\"t\",\"key\":\"a\",\"data\":1}]}\n{\"entities\":[\n"), 10))
        .isInstanceOfSatisfying(ApiError.class, e -> {
          assertThat(e.code()).isEqualTo("invalid_json");
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.details()).containsEntry("line", 2).containsEntry("item", 1);
        });
  }

  @Test
  void moreItemsThanTheLimitAreRefusedWith413() {
    String one = "{\"entities\":[{\"typeId\":\"t\",\"key\":\"a\",\"data\":1}]}";
    assertThat(ProposalBatch.array(utf8("[" + one + "," + one + "]"), 2)).hasSize(2);
    assertThatThrownBy(() -> ProposalBatch.array(utf8("[" + one + "," + one + "," + one + "]"), 2))
        .isInstanceOfSatisfying(ApiError.class, e -> {
          assertThat(e.status()).isEqualTo(413);
          assertThat(e.code()).isEqualTo("batch_too_large");
          assertThat(e.details()).containsEntry("limit", 2);
        });
    assertThatThrownBy(() -> ProposalBatch.lines(utf8(one + "\n" + one + "\n" + one + "\n"), 2))
        .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo("batch_too_large"));
  }
}
