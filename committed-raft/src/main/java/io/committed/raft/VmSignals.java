package io.committed.raft;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Keeps HotSpot's handler of SIGUSR2 when JRaft's node class loads. JRaft's node class installs a
 * handler of its own for that signal (to write diagnostics into the working directory), but HotSpot
 * suspends threads with it to sample their stacks: with JRaft's handler in place Java Flight
 * Recorder's method profiling records nothing and every sample leaves three files in the working
 * directory. Loading the class here, with the signal's handler saved before and put back after,
 * keeps profiling working in an application that embeds a raft node.
 */
final class VmSignals {
  private static final Logger LOG = LoggerFactory.getLogger(VmSignals.class);
  private static final String NODE_CLASS = "com.alipay.sofa.jraft.core.NodeImpl";
  private static boolean done;

  private VmSignals() {}

  /** Initializes JRaft's node class (once) without letting it replace the JVM's SIGUSR2 handler. */
  static synchronized void loadRaftNodeClass() {
    if (done) {
      return;
    }
    done = true;
    Signal usr2 = new Signal("USR2");
    SignalHandler vm;
    try {
      vm = Signal.handle(usr2, SignalHandler.SIG_IGN);
    } catch (IllegalArgumentException e) {
      vm = null; // the JVM reserves the signal: JRaft cannot take it either
    }
    try {
      Class.forName(NODE_CLASS, true, VmSignals.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("SOFAJRaft is not on the class path: " + e.getMessage(), e);
    } finally {
      if (vm != null) {
        try {
          Signal.handle(usr2, vm);
        } catch (IllegalArgumentException e) {
          LOG.warn("could not restore the JVM's SIGUSR2 handler: Flight Recorder's method profiling may record nothing", e);
        }
      }
    }
  }
}
