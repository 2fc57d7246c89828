package io.committed.ingest.mysql.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.ingest.mysql.internal.BinlogBacklog.LogFile;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class BinlogBacklogTest {
  private static final List<LogFile> LOGS = List.of(new LogFile("bin.000007", 1_000), new LogFile("bin.000008", 500),
      new LogFile("bin.000009", 120));

  @Test
  void theRestOfTheFileAndEveryLaterOneCount() {
    assertThat(BinlogBacklog.bytesBehind(LOGS, "bin.000007", 400)).isEqualTo(OptionalLong.of(600 + 500 + 120));
    assertThat(BinlogBacklog.bytesBehind(LOGS, "bin.000009", 120)).isEqualTo(OptionalLong.of(0));
    assertThat(BinlogBacklog.bytesBehind(LOGS, "bin.000009", 200)).as("a size read before the position")
        .isEqualTo(OptionalLong.of(0));
  }

  @Test
  void aFileTheServerNoLongerListsIsUnknown() {
    assertThat(BinlogBacklog.bytesBehind(LOGS, "bin.000006", 4)).isEmpty();
    assertThat(BinlogBacklog.bytesBehind(List.of(), "bin.000006", 4)).isEmpty();
  }
}
