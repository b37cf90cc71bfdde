package dev.hourmeter.worker.settings;

/**
 * How much one worker runs at once. 0 keeps the Temporal SDK's default.
 *
 * @param workflowCacheSize workflows kept in memory between tasks (sticky cache)
 * @param maxWorkflowThreads threads (or virtual threads) running cached workflows
 * @param activitySlots activities running at once; a batched submission holds its slot while its
 *     shared batch fills (at most the linger)
 * @param localActivitySlots local activities running at once
 */
public record WorkerCapacity(
    int workflowCacheSize, int maxWorkflowThreads, int activitySlots, int localActivitySlots) {

  public static final int DEFAULT_ACTIVITY_SLOTS = 500;

  public WorkerCapacity {
    if (workflowCacheSize < 0
        || maxWorkflowThreads < 0
        || activitySlots < 0
        || localActivitySlots < 0) {
      throw new IllegalArgumentException("capacities must be >= 0");
    }
  }

  /** The SDK's defaults, with {@value #DEFAULT_ACTIVITY_SLOTS} activity slots. */
  public static WorkerCapacity defaults() {
    return new WorkerCapacity(0, 0, DEFAULT_ACTIVITY_SLOTS, 0);
  }

  /**
   * Sized for {@code customers} workflows on one worker (the benchmark's): all of them cached, and
   * as many activities at once as customers (at least 200, at most 5,000).
   */
  public static WorkerCapacity forCustomers(int customers) {
    int concurrency = Math.max(200, Math.min(customers, 5000));
    return new WorkerCapacity(customers + 100, customers + 100, concurrency, concurrency);
  }

  @Override
  public String toString() {
    return "activitySlots="
        + activitySlots
        + (workflowCacheSize == 0 ? "" : " workflowCache=" + workflowCacheSize);
  }
}
