/**
 * Test support for log engines and plug-ins: {@link io.committed.testkit.CommittedLogContract},
 * the suite every log engine passes; {@link io.committed.testkit.SyncableContract} with its opt-in
 * suites ({@link io.committed.testkit.ResumableSyncableContract},
 * {@link io.committed.testkit.BadDataSyncableContract},
 * {@link io.committed.testkit.UnreachableTargetSyncableContract}) and
 * {@link io.committed.testkit.IngestableContract}, for plug-in authors' own syncables and
 * ingestables; builders of the contexts plug-ins are given ({@link
 * io.committed.testkit.TestSyncableContext}, {@link io.committed.testkit.TestIngestLog}, {@link
 * io.committed.testkit.TestPluginConfig}); and {@link io.committed.testkit.Await}, for waiting on
 * the log without sleeping.
 */
package io.committed.testkit;
