package io.committed.sync.nats;

import io.committed.spi.Syncable;
import io.committed.spi.SyncableContext;
import io.committed.spi.SyncableFactory;
import io.committed.sync.nats.internal.NatsSyncable;
import io.committed.sync.nats.internal.NatsSyncableConfig;

/**
 * The syncable of kind {@code nats}: publishes the entities of its topics to a NATS JetStream
 * stream, one message per entity, in log order. Registered in
 * {@code META-INF/services/io.committed.spi.SyncableFactory}.
 *
 * <pre>
 * [syncable]
 * type = "nats"
 * [nats]
 * topic = "order"
 * servers = ["nats://127.0.0.1:4222"]
 * stream = "ORDERS"
 * subject = "orders.${type}.${key}"
 * token = "${NATS_TOKEN}"
 * [nats.createStream]
 * subjects = ["orders.>"]
 * </pre>
 *
 * <p>What it guarantees: messages reach the stream in log order (per subject and overall); a
 * batch counts as delivered only when the stream acknowledged all of it; a replay after a crash or
 * a leader change is dropped, by the stream's duplicate window ({@code Nats-Msg-Id} is
 * {@code <syncable>:<index>:<position>}) and by resuming after the stream's last message of this
 * syncable; a message the stream can never take (too large, a subject it does not capture, no
 * permission) dead-letters only its entry; an unreachable server or a timeout is retried. The
 * full reference is {@code docs/broker-sync.md}.
 */
public final class NatsSyncableFactory implements SyncableFactory {

  /** Public for {@link java.util.ServiceLoader}. */
  public NatsSyncableFactory() {}

  @Override
  public String kind() {
    return "nats";
  }

  /**
   * Checks the {@code [nats]} section: servers, stream name, routing templates and their fields,
   * credentials, timeouts and the stream to create. Each problem is a
   * {@link io.committed.api.ConfigException} naming the field. Does not connect.
   */
  @Override
  public void validate(SyncableContext context) {
    NatsSyncableConfig.parse(context);
  }

  /** Creates the syncable; it connects on first use. */
  @Override
  public Syncable create(SyncableContext context) {
    return new NatsSyncable(NatsSyncableConfig.parse(context));
  }
}
