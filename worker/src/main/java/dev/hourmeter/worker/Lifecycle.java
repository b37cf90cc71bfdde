package dev.hourmeter.worker;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes what a command started, newest first, once: on SIGTERM / Ctrl-C (a JVM shutdown hook), or
 * when startup fails half way. Close failures are logged in one line, never as a stack trace.
 */
public final class Lifecycle implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

  private record Resource(String name, AutoCloseable closeable) {}

  private final Deque<Resource> resources = new ArrayDeque<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private boolean closing;

  /** Registers {@code closeable} to be closed before everything registered earlier; returns it. */
  public synchronized <T extends AutoCloseable> T add(String name, T closeable) {
    if (closing) {
      throw new IllegalStateException("shutting down");
    }
    resources.push(new Resource(name, closeable));
    return closeable;
  }

  /** Closes everything on JVM shutdown; blocks the calling thread until then. */
  public void awaitShutdown(String what) throws InterruptedException {
    Thread hook =
        new Thread(
            () -> {
              log.info("stopping {}...", what);
              close();
              log.info("{} stopped", what);
            },
            "hourmeter-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    closed.await();
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closing) {
        return;
      }
      closing = true;
    }
    Resource resource;
    while ((resource = poll()) != null) {
      try {
        resource.closeable().close();
      } catch (Exception e) {
        log.warn("stopping {} failed: {}", resource.name(), e.toString());
      }
    }
    closed.countDown();
  }

  private synchronized Resource poll() {
    return resources.poll();
  }
}
