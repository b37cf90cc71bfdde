package dev.hourmeter.activities.batching;

import dev.hourmeter.activities.aws.MeteringService;
import dev.hourmeter.activities.aws.RequestSize;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@link MeteringBatcher}'s waiting records: one queue per product code and kind of record
 * (licensed records, Concurrent Agreements, never share a request with legacy ones: the request of
 * the first omits ProductCode), and which batch is due. Records of different licenses of one
 * product may share a request (AWS: one product per request). Thread-safe (one lock); submitting
 * threads add, sender threads re-queue, the single dispatcher waits and takes.
 */
final class BatchQueues {

  private static final int MAX = MeteringService.MAX_RECORDS_PER_CALL;

  /** A batch taken from one product's queue. */
  record Batch(String productCode, List<PendingRecord> records) {}

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Map<QueueKey, ProductQueue> queues = new LinkedHashMap<>();
  private final AtomicInteger queued = new AtomicInteger();
  private boolean closed;

  /** Records waiting (for the gauge). */
  AtomicInteger queued() {
    return queued;
  }

  /**
   * Adds new records of one product, in order.
   *
   * @throws IllegalStateException when closed
   */
  void add(String productCode, List<PendingRecord> records) {
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("the metering batcher is closed");
      }
      for (PendingRecord p : records) {
        queueOf(productCode, p).fresh.add(p);
      }
      queued.addAndGet(records.size());
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Re-queues {@code records} together (one lock: the dispatcher sees all or none of them), ready
   * (and due) at {@code readyAt}. Returns the records not re-queued because their sender withdrew
   * them meanwhile (their futures are the caller's to complete), or null when closed.
   */
  List<PendingRecord> requeue(List<PendingRecord> records, long readyAt) {
    lock.lock();
    try {
      if (closed) {
        return null;
      }
      int added = 0;
      List<PendingRecord> withdrawn = new ArrayList<>();
      for (PendingRecord p : records) {
        if (p.withdrawn) {
          withdrawn.add(p);
          continue;
        }
        p.readyAt = readyAt;
        p.dueAt = readyAt;
        queueOf(p.productCode, p).retries.add(p);
        added++;
      }
      queued.addAndGet(added);
      changed.signalAll();
      return withdrawn;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Takes {@code records} out for good: none is sent or re-queued later. Returns those that were
   * waiting (in no call) and are now removed; one in a call finishes that call, and its sender then
   * finds it withdrawn ({@link #requeue}).
   */
  List<PendingRecord> withdraw(List<PendingRecord> records) {
    lock.lock();
    try {
      List<PendingRecord> removed = new ArrayList<>();
      for (PendingRecord p : records) {
        p.withdrawn = true;
        ProductQueue q = queues.get(new QueueKey(p.productCode, p.record.licensed()));
        if (q != null && (q.fresh.remove(p) || q.retries.remove(p))) {
          removed.add(p);
        }
      }
      queued.addAndGet(-removed.size());
      changed.signalAll();
      return removed;
    } finally {
      lock.unlock();
    }
  }

  /** Guarded by the lock. */
  private ProductQueue queueOf(String productCode, PendingRecord p) {
    return queues.computeIfAbsent(
        new QueueKey(productCode, p.record.licensed()), k -> new ProductQueue(k.productCode()));
  }

  /** What records must share to share a request. */
  private record QueueKey(String productCode, boolean licensed) {}

  /** Blocks until some product's batch is due, or the queues are closed. */
  void awaitDueBatch() throws InterruptedException {
    lock.lock();
    try {
      while (!closed) {
        long now = System.nanoTime();
        long wait = Long.MAX_VALUE;
        for (ProductQueue q : queues.values()) {
          wait = Math.min(wait, q.dueIn(now));
        }
        if (wait <= 0) {
          return;
        }
        if (wait == Long.MAX_VALUE) {
          changed.await();
        } else {
          changed.awaitNanos(wait);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Takes up to 25 records of the most due product (a full queue first, else the one whose oldest
   * eligible record is most overdue); null when nothing is due (or closed).
   */
  Batch takeMostDue() {
    lock.lock();
    try {
      long now = System.nanoTime();
      ProductQueue best = null;
      long bestDue = Long.MAX_VALUE;
      for (ProductQueue q : queues.values()) {
        long due = q.dueIn(now);
        if (due > 0) {
          continue;
        }
        if (q.eligible(now) >= MAX) {
          best = q;
          break;
        }
        if (best == null || due < bestDue) {
          best = q;
          bestDue = due;
        }
      }
      if (best == null) {
        return null;
      }
      List<PendingRecord> batch = best.take(now);
      queued.addAndGet(-batch.size());
      return batch.isEmpty() ? null : new Batch(best.product, batch);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Closes the queues and returns every record still waiting (to be failed by the caller); empty
   * when already closed.
   */
  List<PendingRecord> close() {
    lock.lock();
    try {
      List<PendingRecord> abandoned = new ArrayList<>();
      if (closed) {
        return abandoned;
      }
      closed = true;
      for (ProductQueue q : queues.values()) {
        abandoned.addAll(q.fresh);
        abandoned.addAll(q.retries);
      }
      queues.clear();
      queued.set(0);
      changed.signalAll();
      return abandoned;
    } finally {
      lock.unlock();
    }
  }

  boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  /** One product's queue; guarded by the lock. */
  private static final class ProductQueue {
    final String product;

    /** New records in submission order: ready at once, due after the linger. */
    final ArrayDeque<PendingRecord> fresh = new ArrayDeque<>();

    /** Re-queued records (few): ready and due after their backoff. */
    final List<PendingRecord> retries = new ArrayList<>();

    ProductQueue(String product) {
      this.product = product;
    }

    int eligible(long now) {
      int n = fresh.size();
      for (PendingRecord p : retries) {
        if (p.readyBy(now)) {
          n++;
        }
      }
      return n;
    }

    /**
     * Nanoseconds until a batch of this queue is due (<= 0: due now), Long.MAX_VALUE when empty.
     */
    long dueIn(long now) {
      if (eligible(now) >= MAX) {
        return 0;
      }
      long due = Long.MAX_VALUE;
      if (!fresh.isEmpty()) {
        due = fresh.peekFirst().dueAt - now;
      }
      for (PendingRecord p : retries) {
        due = Math.min(due, p.dueAt - now);
      }
      return due;
    }

    /**
     * Up to 25 eligible records below {@link RequestSize#BATCH_BUDGET_BYTES} (allocations counted;
     * the first record always goes): re-queued ones first, then the oldest new ones.
     */
    List<PendingRecord> take(long now) {
      List<PendingRecord> batch = new ArrayList<>(MAX);
      int bytes = 0;
      for (Iterator<PendingRecord> it = retries.iterator(); it.hasNext() && batch.size() < MAX; ) {
        PendingRecord p = it.next();
        int size = RequestSize.of(p.record);
        if (p.readyBy(now) && (batch.isEmpty() || bytes + size <= RequestSize.BATCH_BUDGET_BYTES)) {
          batch.add(p);
          bytes += size;
          it.remove();
        }
      }
      while (batch.size() < MAX && !fresh.isEmpty()) {
        int size = RequestSize.of(fresh.peekFirst().record);
        if (!batch.isEmpty() && bytes + size > RequestSize.BATCH_BUDGET_BYTES) {
          break;
        }
        batch.add(fresh.pollFirst());
        bytes += size;
      }
      return batch;
    }
  }
}
