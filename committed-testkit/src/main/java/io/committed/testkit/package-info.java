/**
 * Test support: {@link io.committed.testkit.CommittedLogContract}, the suite every log engine
 * passes; {@link io.committed.testkit.SyncableContract}, the suite users run against their own
 * syncables; and {@link io.committed.testkit.Await}, for waiting on the log without sleeping.
 */
package io.committed.testkit;
