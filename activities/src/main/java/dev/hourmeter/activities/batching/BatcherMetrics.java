package dev.hourmeter.activities.batching;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link MeteringBatcher}'s metrics (no customer ids in tags): {@code
 * hourmeter.batcher.batch.size} (records per first send of a batch), {@code
 * hourmeter.batcher.queue.wait} (submit to first send), {@code hourmeter.batcher.calls}
 * (BatchMeterUsage calls, bisection included), {@code hourmeter.batcher.requeued{reason}}, {@code
 * hourmeter.batcher.records{outcome}} and the gauge {@code hourmeter.batcher.queued}.
 */
final class BatcherMetrics {

  private final MeterRegistry registry;
  private final DistributionSummary batchSize;
  private final Timer queueWait;
  private final Counter calls;

  BatcherMetrics(MeterRegistry registry, AtomicInteger queued) {
    this.registry = registry;
    this.batchSize =
        DistributionSummary.builder("hourmeter.batcher.batch.size")
            .description("records per BatchMeterUsage batch as first sent")
            .baseUnit("records")
            .publishPercentileHistogram()
            .serviceLevelObjectives(1, 5, 10, 20, 24, 25)
            .register(registry);
    this.queueWait =
        Timer.builder("hourmeter.batcher.queue.wait")
            .description("time from submit to the first send of a record")
            .publishPercentileHistogram()
            .register(registry);
    this.calls =
        Counter.builder("hourmeter.batcher.calls")
            .description("BatchMeterUsage calls made by the batcher")
            .register(registry);
    Gauge.builder("hourmeter.batcher.queued", queued, AtomicInteger::get)
        .description("records waiting to be sent")
        .register(registry);
  }

  /**
   * A batch is about to be sent: records its records' queue wait (first send only) and its size
   * (when none of its records was sent before).
   */
  void sending(List<PendingRecord> batch) {
    long now = System.nanoTime();
    for (PendingRecord p : batch) {
      if (!p.waitRecorded) {
        p.waitRecorded = true;
        queueWait.record(now - p.enqueuedNanos, TimeUnit.NANOSECONDS);
      }
    }
    if (batch.stream().allMatch(p -> p.sends == 0)) {
      batchSize.record(batch.size());
    }
  }

  void call() {
    calls.increment();
  }

  /** A record's future completed with {@code outcome} (a status or a failure type). */
  void record(String outcome) {
    registry.counter("hourmeter.batcher.records", "outcome", outcome).increment();
  }

  void requeued(String reason) {
    registry.counter("hourmeter.batcher.requeued", "reason", reason).increment();
  }
}
