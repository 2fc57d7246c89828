package io.committed.sync.http;

import io.committed.testkit.ResumableSyncableContract;
import java.io.IOException;

/** The resumable contract: with position_url the receiver's own position is where delivery resumes. */
class HttpResumableContractTest extends HttpSyncableContractTest implements ResumableSyncableContract {

  HttpResumableContractTest() throws IOException {
    super();
  }

  @Override
  protected String extra() {
    return "position_url = \"" + receiver.url("/position") + "\"\n";
  }
}
