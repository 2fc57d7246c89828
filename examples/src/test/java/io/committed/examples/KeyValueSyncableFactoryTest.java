package io.committed.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.api.ConfigException;
import io.committed.spi.Syncable;
import io.committed.spi.SyncableContext;
import io.committed.testkit.ContractEntries;
import io.committed.testkit.TestSyncableContext;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A user's unit test of their own factory, through the testkit's builders: the context is built
 * from the config document as the log would build it, and nothing comes from Committed's internals.
 */
class KeyValueSyncableFactoryTest {
  private final KeyValueSyncableFactory factory = new KeyValueSyncableFactory();

  private static SyncableContext context(String kvSection) {
    return TestSyncableContext.builder().syncableId("stock").document("""
        [syncable]
        type = "kv"
        [kv]
        topic = "contract"
        """ + kvSection).build();
  }

  @Test
  void theFactoryCreatesASyncableOverTheNamedStore() throws Exception {
    SyncableContext ctx = context("store = \"factory-test\"\n");
    factory.validate(ctx);
    try (Syncable s = factory.create(ctx)) {
      s.sync(List.of(ContractEntries.upsert(1, "sku-1", 12), ContractEntries.upsert(2, "sku-2", 3),
          ContractEntries.delete(3, "sku-1")));
    }
    assertThat(ctx.types()).containsExactly("contract");
    assertThat(KeyValueSyncableFactory.store("factory-test")).containsOnlyKeys("sku-2");
  }

  @Test
  void aConfigWithoutAStoreIsRefusedNamingTheField() {
    assertThatThrownBy(() -> factory.validate(context("")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("kv.store");
  }
}
