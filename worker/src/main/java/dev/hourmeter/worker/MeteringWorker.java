package dev.hourmeter.worker;

import dev.hourmeter.worker.settings.WorkerCapacity;
import dev.hourmeter.workflows.CustomerMeteringWorkflowImpl;
import dev.hourmeter.workflows.ValidatorFailureConverter;
import io.temporal.client.WorkflowClient;
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
   * @param client the client to poll through
   * @param taskQueue the task queue of the metering workflows and activities
   * @param virtualThreads run workflow and activity tasks on virtual threads
   * @param capacity cache and slot sizes
   * @param spreadActivities send every activity through the task queue (no eager execution), so
   *     that it goes to whichever worker polls first rather than to the one whose cache holds the
   *     workflow: with fleet sharing each worker has only its share of AWS's quota, and a worker
   *     that joins (whose cache is empty) would otherwise get no submission to make
   * @param activities activity implementations to register
   */
  MeteringWorker(
      WorkflowClient client,
      String taskQueue,
      boolean virtualThreads,
      WorkerCapacity capacity,
      boolean spreadActivities,
      List<Object> activities) {
    this.taskQueue = taskQueue;
    WorkerFactoryOptions.Builder factoryOptions =
        WorkerFactoryOptions.newBuilder().setUsingVirtualWorkflowThreads(virtualThreads);
    if (capacity.workflowCacheSize() > 0) {
      factoryOptions.setWorkflowCacheSize(capacity.workflowCacheSize());
    }
    if (capacity.maxWorkflowThreads() > 0) {
      factoryOptions.setMaxWorkflowThreadCount(capacity.maxWorkflowThreads());
    }
    WorkerOptions.Builder workerOptions =
        WorkerOptions.newBuilder()
            .setUsingVirtualThreads(virtualThreads)
            .setStickyQueueScheduleToStartTimeout(STICKY_SCHEDULE_TO_START)
            .setDisableEagerExecution(spreadActivities);
    if (capacity.activitySlots() > 0) {
      workerOptions.setMaxConcurrentActivityExecutionSize(capacity.activitySlots());
    }
    if (capacity.localActivitySlots() > 0) {
      workerOptions.setMaxConcurrentLocalActivityExecutionSize(capacity.localActivitySlots());
    }
    // Its refusals of reportUsage must reach clients with their type and retryability.
    this.factory =
        WorkerFactory.newInstance(
            ValidatorFailureConverter.forWorker(client), factoryOptions.build());
    Worker worker = factory.newWorker(taskQueue, workerOptions.build());
    worker.registerWorkflowImplementationTypes(CustomerMeteringWorkflowImpl.class);
    worker.registerActivitiesImplementations(activities.toArray());
  }

  MeteringWorker start() {
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
