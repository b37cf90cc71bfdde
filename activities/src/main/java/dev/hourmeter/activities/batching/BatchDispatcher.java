package dev.hourmeter.activities.batching;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link MeteringBatcher}'s threads: one dispatcher that waits for a due batch, takes a
 * rate-limiter permit, then the most due batch, and hands it to a pool of sender threads that
 * settle it ({@link BatchSettler}). Logs under the batcher's logger.
 */
final class BatchDispatcher {

  private static final Logger log = LoggerFactory.getLogger(MeteringBatcher.class);

  private final BatchQueues queues;
  private final MeteringRateLimiter limiter;
  private final BatchSettler settler;
  private final ExecutorService senders;
  private final Thread dispatcher;

  /** Starts the dispatcher thread. */
  BatchDispatcher(BatchQueues queues, MeteringRateLimiter limiter, BatchSettler settler) {
    this.queues = queues;
    this.limiter = limiter;
    this.settler = settler;
    AtomicInteger senderNo = new AtomicInteger();
    this.senders =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "metering-batch-sender-" + senderNo.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.dispatcher = new Thread(this::dispatch, "metering-batch-dispatcher");
    dispatcher.setDaemon(true);
    dispatcher.start();
  }

  private void dispatch() {
    while (!queues.isClosed()) {
      try {
        queues.awaitDueBatch();
        if (queues.isClosed()) {
          return;
        }
        MeteringRateLimiter.Permit permit = limiter.acquire();
        BatchQueues.Batch batch = queues.takeMostDue();
        if (batch == null) {
          permit.release(); // closed meanwhile; only the dispatcher removes records
          continue;
        }
        try {
          senders.execute(() -> settler.send(batch, permit));
        } catch (RuntimeException e) {
          permit.release();
          IllegalStateException closed =
              new IllegalStateException("the metering batcher was closed");
          batch.records().forEach(p -> p.future.completeExceptionally(closed));
        }
      } catch (InterruptedException e) {
        if (queues.isClosed()) {
          return;
        }
      } catch (RuntimeException e) {
        log.error("metering batcher dispatcher: unexpected error", e);
      }
    }
  }

  /**
   * Stops the dispatcher (the queues must be closed first) and waits up to 5 s for the senders'
   * calls in progress.
   */
  void stop() {
    dispatcher.interrupt();
    senders.shutdown();
    try {
      if (!senders.awaitTermination(5, TimeUnit.SECONDS)) {
        senders.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      senders.shutdownNow();
    }
  }
}
