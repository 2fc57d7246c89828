package io.committed.server;

import io.committed.api.CommittedException;
import io.committed.api.ConfigException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node's command: {@code java -jar committed-server.jar}, configured by environment variables
 * (see {@link ServerSettings}). Prints {@code committed: listening on <url>} on standard output once
 * the API accepts requests; logs go to standard error.
 *
 * <p>SIGTERM or SIGINT shut it down gracefully ({@link CommittedServer#shutdown()}) and it exits 0,
 * or 1 when the shutdown missed {@code COMMITTED_SHUTDOWN_TIMEOUT}; a second signal exits at once.
 * Invalid settings exit 2 with a message naming the variable; a failed start exits 1.
 */
public final class Main {
  private static final CompletableFuture<String> STOP = new CompletableFuture<>();
  private static final AtomicInteger SIGNALS = new AtomicInteger();

  private Main() {}

  public static void main(String[] args) {
    if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.println("Usage: java -jar committed-server.jar   (configured by environment variables)\n");
      for (Map.Entry<String, String> v : ServerSettings.VARIABLES) {
        System.out.printf("  %-36s default: %s%n", v.getKey(), v.getValue().isEmpty() ? "(unset)" : v.getValue());
      }
      System.out.println("\ndocs/node.md explains each one.");
      return;
    }
    ServerSettings settings;
    try {
      settings = ServerSettings.fromEnvironment(System.getenv());
    } catch (ConfigException e) {
      System.err.println("committed: " + e.getMessage());
      System.exit(2);
      return;
    }
    configureLogging(settings.logLevel());
    org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Main.class);
    settings.warnings().forEach(w -> log.warn("{}", w));
    CommittedServer server;
    try {
      server = CommittedServer.start(settings);
    } catch (ConfigException e) {
      System.err.println("committed: " + e.getMessage());
      System.exit(2);
      return;
    } catch (CommittedException | IllegalStateException e) {
      log.error("the node could not start", e);
      System.err.println("committed: the node could not start: " + e.getMessage());
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown, "committed-shutdown-hook"));
    boolean signals = onSignal("TERM") & onSignal("INT");
    if (!signals) {
      log.warn("signal handlers unavailable: SIGTERM runs the shutdown from a JVM shutdown hook (exit code 143)");
    }
    System.out.println("committed: listening on " + server.uri());
    System.out.flush();
    String signal = STOP.join();
    log.info("shutdown: SIG{} received", signal);
    // past its deadline, a hung shutdown ends the process
    ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread t = new Thread(task, "committed-shutdown-watchdog");
      t.setDaemon(true);
      return t;
    });
    watchdog.schedule(() -> {
      System.err.println("committed: shutdown hung past its deadline; exiting");
      Runtime.getRuntime().halt(1);
    }, settings.shutdownTimeout().toMillis() + TimeUnit.SECONDS.toMillis(10), TimeUnit.MILLISECONDS);
    boolean ok = server.shutdown();
    System.exit(ok ? 0 : 1);
  }

  /**
   * Handles a signal with {@code sun.misc.Signal} (through reflection: it is an unsupported API).
   * The first signal requests the shutdown; a second one exits at once.
   */
  private static boolean onSignal(String name) {
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      InvocationHandler h = (proxy, method, args) -> {
        if (method.getName().equals("handle")) {
          if (SIGNALS.incrementAndGet() > 1) {
            System.err.println("committed: second signal, exiting now");
            Runtime.getRuntime().halt(1);
          }
          STOP.complete(name);
          return null;
        }
        return switch (method.getName()) {
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          default -> "committed-signal-handler";
        };
      };
      Object handler = Proxy.newProxyInstance(Main.class.getClassLoader(), new Class<?>[] {handlerClass}, h);
      Object signal = signalClass.getConstructor(String.class).newInstance(name);
      signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, handler);
      return true;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return false;
    }
  }

  /** Sets slf4j-simple's levels before the first logger exists (a level set by the user wins). */
  private static void configureLogging(String level) {
    loggingDefaults(level).forEach(Main::setDefault);
  }

  /**
   * slf4j-simple's settings for a log level. Below debug, Jetty and Javalin log warnings and up, and
   * SOFABolt (JRaft's transport, logging as {@code com.alipay.sofa.common.log}) nothing: while a peer
   * is unreachable it logs an error or a warning with a stack trace on every connection attempt, about
   * 240 lines a second on the leader, where JRaft's own warnings ("Fail to issue RPC to ...", with a
   * count) say the same in a line every half second.
   */
  static java.util.Map<String, String> loggingDefaults(String level) {
    java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();
    settings.put("org.slf4j.simpleLogger.defaultLogLevel", level);
    settings.put("org.slf4j.simpleLogger.showDateTime", "true");
    settings.put("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    settings.put("org.slf4j.simpleLogger.showShortLogName", "true");
    if (!level.equals("debug") && !level.equals("trace")) {
      settings.put("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
      settings.put("org.slf4j.simpleLogger.log.io.javalin", "warn");
      settings.put("org.slf4j.simpleLogger.log.com.alipay.sofa.common.log", "off");
    }
    return settings;
  }

  private static void setDefault(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
