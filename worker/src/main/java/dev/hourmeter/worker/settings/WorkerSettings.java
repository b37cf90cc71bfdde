package dev.hourmeter.worker.settings;

import dev.hourmeter.activities.usage.UsageSources;
import java.util.Objects;

/**
 * Everything {@link dev.hourmeter.worker.WorkerAssembly} builds a worker from: where AWS is, how
 * records are batched, where pulled usage comes from, the threading and the capacity of the worker.
 *
 * @param usageSource pulled usage: {@code none}, {@code file:/path/usage.jsonl} or {@code
 *     jdbc:postgresql://...} (shown with any password hidden)
 * @param virtualThreads run workflow and activity tasks on virtual threads
 */
public record WorkerSettings(
    AwsEndpoints aws,
    Batching batching,
    String usageSource,
    boolean virtualThreads,
    WorkerCapacity capacity) {

  public static final String DEFAULT_USAGE_SOURCE = "none";

  public WorkerSettings {
    Objects.requireNonNull(aws, "aws");
    Objects.requireNonNull(batching, "batching");
    usageSource = usageSource == null || usageSource.isBlank() ? DEFAULT_USAGE_SOURCE : usageSource;
    Objects.requireNonNull(capacity, "capacity");
  }

  /** Against the simulator at {@code aws}, defaults otherwise (the tests' and the benchmark's). */
  public static WorkerSettings defaults(AwsEndpoints aws) {
    return new WorkerSettings(
        aws, Batching.defaults(), DEFAULT_USAGE_SOURCE, false, WorkerCapacity.defaults());
  }

  public WorkerSettings withBatching(Batching value) {
    return new WorkerSettings(aws, value, usageSource, virtualThreads, capacity);
  }

  public WorkerSettings withCapacity(WorkerCapacity value, boolean virtual) {
    return new WorkerSettings(aws, batching, usageSource, virtual, value);
  }

  @Override
  public String toString() {
    return aws
        + " "
        + batching
        + " usageSource="
        + UsageSources.redact(usageSource)
        + " virtualThreads="
        + virtualThreads
        + " "
        + capacity;
  }
}
