package dev.hourmeter.worker;

import dev.hourmeter.workflows.CustomerMeteringWorkflowImpl;
import dev.hourmeter.workflows.client.TemporalConnection;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls one task queue for customer metering workflows and their activities. {@link #close()} stops
 * polling, lets running tasks finish (bounded), then stops.
 */
public final class MeteringWorker implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(MeteringWorker.class);
  static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(20);
  static final int SUBMISSION_SLOTS = 500;

  /**
   * How long a workflow task may wait on this worker's sticky queue before the server gives it to
   * any worker, which replays the history from the start. The SDK's 5 s is shorter than the burst
   * at a period close, when every customer's timer fires at once: at 10,000 customers on one
   * worker, tasks timed out, were replayed, and the server's extra work slowed the whole cycle. The
   * price: after a worker crash its customers wait up to this long for another worker, a delay
   * hourly metering does not notice.
   */
  static final Duration STICKY_SCHEDULE_TO_START = Duration.ofSeconds(30);

  private final WorkerFactory factory;
  private final String taskQueue;

  /**
   * @param temporal the connection to poll through (opened from {@code config.temporal()})
   * @param config task queue and threading of this worker
   * @param activities activity implementations to register (from {@code HourmeterActivities.all})
   */
  public MeteringWorker(TemporalConnection temporal, WorkerConfig config, List<Object> activities) {
    this(
        temporal,
        config.taskQueue(),
        WorkerFactoryOptions.newBuilder()
            .setUsingVirtualWorkflowThreads(config.virtualThreads())
            .build(),
        workerOptions(config.virtualThreads())
            // A batched submission holds its slot while its shared batch fills (at most the
            // linger).
            .setMaxConcurrentActivityExecutionSize(SUBMISSION_SLOTS)
            .build(),
        activities);
  }

  /**
   * The worker options every hourmeter worker starts from (the benchmark sizes the slots on top).
   */
  public static WorkerOptions.Builder workerOptions(boolean virtualThreads) {
    return WorkerOptions.newBuilder()
        .setUsingVirtualThreads(virtualThreads)
        .setStickyQueueScheduleToStartTimeout(STICKY_SCHEDULE_TO_START);
  }

  /**
   * With explicit factory and worker options (cache size, concurrency), as the benchmark sizes
   * them.
   */
  public MeteringWorker(
      TemporalConnection temporal,
      String taskQueue,
      WorkerFactoryOptions factoryOptions,
      WorkerOptions workerOptions,
      List<Object> activities) {
    this.taskQueue = taskQueue;
    this.factory = WorkerFactory.newInstance(temporal.client(), factoryOptions);
    Worker worker = factory.newWorker(taskQueue, workerOptions);
    worker.registerWorkflowImplementationTypes(CustomerMeteringWorkflowImpl.class);
    worker.registerActivitiesImplementations(activities.toArray());
  }

  public MeteringWorker start() {
    factory.start();
    log.info("worker polling task queue {}", taskQueue);
    return this;
  }

  @Override
  public void close() {
    if (factory.isShutdown()) {
      return;
    }
    factory.shutdown();
    try {
      factory.awaitTermination(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      if (!factory.isTerminated()) {
        log.warn("worker tasks still running after {}; stopping them", SHUTDOWN_GRACE);
        factory.shutdownNow();
        factory.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (RuntimeException e) {
      factory.shutdownNow();
    }
  }
}
