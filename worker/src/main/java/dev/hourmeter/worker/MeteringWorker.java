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
 * Polls one task queue for customer metering workflows and their activities. {@link #close()} stops polling,
 * lets running tasks finish (bounded), then stops.
 */
public final class MeteringWorker implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(MeteringWorker.class);
  static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(20);
  static final int SUBMISSION_SLOTS = 500;

  private final WorkerFactory factory;
  private final String taskQueue;

  /**
   * @param temporal the connection to poll through (opened from {@code config.temporal()})
   * @param config task queue and threading of this worker
   * @param activities activity implementations to register (from {@code HourmeterActivities.all})
   */
  public MeteringWorker(TemporalConnection temporal, WorkerConfig config, List<Object> activities) {
    this(temporal, config.taskQueue(),
        WorkerFactoryOptions.newBuilder().setUsingVirtualWorkflowThreads(config.virtualThreads()).build(),
        WorkerOptions.newBuilder().setUsingVirtualThreads(config.virtualThreads())
            // A batched submission holds its slot while its shared batch fills (at most the linger).
            .setMaxConcurrentActivityExecutionSize(SUBMISSION_SLOTS).build(),
        activities);
  }

  /** With explicit factory and worker options (cache size, concurrency), as the benchmark sizes them. */
  public MeteringWorker(TemporalConnection temporal, String taskQueue, WorkerFactoryOptions factoryOptions,
      WorkerOptions workerOptions, List<Object> activities) {
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
