package io.committed.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.ConfigFormat;
import io.committed.ConfigKind;
import io.committed.DiskUsage;
import io.committed.api.InsufficientStorageException;
import io.committed.internal.state.Command;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Disk admission over a fake file system whose free space the test sets. */
class DiskAdmissionTest {
  private long usable = 500;
  private final DiskAdmission admission = DiskAdmission.over(Path.of("/data"), new DiskAdmission.Space() {
    @Override
    public long usable() {
      return usable;
    }

    @Override
    public long total() {
      return 1000;
    }
  }, new DiskAdmission.Thresholds(20, 10, 3));

  private static final Command DATA = new Command.Write(new byte[] {1}, null);
  private static final Command CONFIG = new Command.PutConfig(ConfigKind.TYPE, "t", 0, ConfigFormat.TOML,
      new byte[0], 0);
  private static final Command BOOKKEEPING = new Command.Checkpoint("s", 0, 1);

  @Test
  void dataIsRefusedAtTheDataLevelConfigsAtTheirsAndBookkeepingNever() {
    assertThat(admission.usage().orElseThrow().admission()).isEqualTo(DiskUsage.Admission.OK);
    usable = 200;
    assertThatCode(() -> admission.check(DATA)).doesNotThrowAnyException();
    assertThat(admission.usage().orElseThrow().admission()).isEqualTo(DiskUsage.Admission.LOW);
    usable = 100;
    assertThatThrownBy(() -> admission.check(DATA)).isInstanceOf(InsufficientStorageException.class)
        .hasMessageContaining("100 of 1000 bytes free (10.0%)").hasMessageContaining("data writes are refused")
        .hasMessageContaining("nothing was written");
    assertThatCode(() -> admission.check(CONFIG)).doesNotThrowAnyException();
    assertThat(admission.usage().orElseThrow().admission()).isEqualTo(DiskUsage.Admission.DATA_REFUSED);
    usable = 30;
    assertThatThrownBy(() -> admission.check(CONFIG)).isInstanceOf(InsufficientStorageException.class)
        .hasMessageContaining("config changes are refused");
    assertThatCode(() -> admission.check(BOOKKEEPING)).doesNotThrowAnyException();
    assertThat(admission.usage().orElseThrow().admission()).isEqualTo(DiskUsage.Admission.ALL_REFUSED);
  }

  @Test
  void writesAreAcceptedAgainOnceSpaceReturns() {
    usable = 50;
    assertThatThrownBy(() -> admission.check(DATA)).isInstanceOf(InsufficientStorageException.class);
    usable = 101;
    assertThatCode(() -> admission.check(DATA)).doesNotThrowAnyException();
    assertThat(admission.usage().orElseThrow().freeRatio()).isEqualTo(0.101);
  }

  @Test
  void withoutADataDirectoryNothingIsChecked() {
    DiskAdmission none = DiskAdmission.of(null, new DiskAdmission.Thresholds(100, 100, 100));
    assertThatCode(() -> none.check(DATA)).doesNotThrowAnyException();
    assertThat(none.usage()).isEmpty();
  }

  @Test
  void aRealDirectoryIsMeasuredOnItsFileSystemEvenBeforeItExists() {
    DiskAdmission real = DiskAdmission.of(Path.of(System.getProperty("java.io.tmpdir"), "not-yet", "data"),
        new DiskAdmission.Thresholds(100, 100, 0));
    DiskUsage u = real.usage().orElseThrow();
    assertThat(u.totalBytes()).isPositive();
    assertThat(u.admission()).isEqualTo(DiskUsage.Admission.DATA_REFUSED);
    assertThatThrownBy(() -> real.check(DATA)).isInstanceOf(InsufficientStorageException.class);
    assertThatCode(() -> real.check(CONFIG)).doesNotThrowAnyException();
  }

  @Test
  void thresholdsMustBeOrdered() {
    assertThatThrownBy(() -> new DiskAdmission.Thresholds(5, 10, 3)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> io.committed.Committed.builder().diskAdmission(20, 2, 3))
        .isInstanceOf(io.committed.api.ConfigException.class).hasMessageContaining("diskAdmission");
  }
}
