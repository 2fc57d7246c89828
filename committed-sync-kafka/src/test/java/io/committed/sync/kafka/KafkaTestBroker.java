package io.committed.sync.kafka;

import io.committed.testkit.Await;
import io.committed.testkit.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node KRaft Kafka broker (controller and broker in one), run from the Kafka server
 * jars on the test classpath in a child JVM, with its log directory in a temporary directory.
 * There is no Kafka server on the test machines and no Docker engine; where one exists, the same
 * tests can point {@code COMMITTED_TEST_KAFKA} at a broker instead (see {@link #shared}).
 *
 * <p>Stopping and starting again keeps the ports and the data, as a restarted broker would.
 */
final class KafkaTestBroker implements AutoCloseable {
  /** The broker's largest record batch: small, so that a too-large record is cheap to make. */
  static final int MESSAGE_MAX_BYTES = 64 * 1024;

  private static KafkaTestBroker shared;

  private final int port = Ports.free();
  private final int controllerPort = Ports.free();
  private final Path dir;
  private Process process;

  KafkaTestBroker() throws IOException {
    dir = Files.createTempDirectory("committed-kafka-");
    Files.writeString(dir.resolve("server.properties"), String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
        "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs=" + dir.resolve("data"),
        "num.partitions=1",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "transaction.state.log.num.partitions=1",
        "group.initial.rebalance.delay.ms=0",
        "auto.create.topics.enable=true",
        "message.max.bytes=" + MESSAGE_MAX_BYTES,
        "log.flush.interval.messages=1",
        "") + "\n");
    String clusterId = Uuid.randomUuid().toString();
    Process format = new ProcessBuilder(java("kafka.tools.StorageTool", "format", "-t", clusterId, "-c",
        dir.resolve("server.properties").toString()))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("format.log").toFile()))
        .start();
    try {
      if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
        format.destroyForcibly();
        throw new AssertionError("formatting the Kafka test broker's storage failed; see " + dir.resolve("format.log")
            + ":\n" + Files.readString(dir.resolve("format.log")));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /**
   * The broker every test class of this JVM shares: {@code COMMITTED_TEST_KAFKA} (host:port) when
   * set, else a child JVM started on first use and stopped when the tests' JVM exits.
   */
  static synchronized String shared() {
    String external = System.getenv("COMMITTED_TEST_KAFKA");
    if (external != null && !external.isBlank()) {
      return external.strip();
    }
    if (shared == null) {
      try {
        KafkaTestBroker b = new KafkaTestBroker().start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            b.close();
          } catch (Exception e) {
            // the JVM is exiting
          }
        }));
        shared = b;
      } catch (IOException e) {
        throw new AssertionError("cannot start the Kafka test broker: " + e, e);
      }
    }
    return shared.bootstrap();
  }

  String bootstrap() {
    return "127.0.0.1:" + port;
  }

  /** Starts the broker and waits until it answers metadata requests. */
  KafkaTestBroker start() throws IOException {
    process = new ProcessBuilder(java("kafka.Kafka", dir.resolve("server.properties").toString()))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.log").toFile()))
        .start();
    Await.until("the Kafka test broker on port " + port + " is ready", Duration.ofSeconds(90), this::ready);
    return this;
  }

  /** Stops the broker (SIGTERM: a controlled shutdown) and waits for it to exit. */
  void stop() throws InterruptedException {
    if (process != null) {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
      process = null;
    }
  }

  private boolean ready() {
    if (process != null && !process.isAlive()) {
      throw new AssertionError("the Kafka test broker exited with " + process.exitValue() + "; see "
          + dir.resolve("server.log"));
    }
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap(), "request.timeout.ms", "1000",
        "default.api.timeout.ms", "2000"))) {
      return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
    } catch (Exception e) {
      return false;
    }
  }

  private List<String> java(String mainClass, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    return cmd;
  }

  @Override
  public void close() throws Exception {
    stop();
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
