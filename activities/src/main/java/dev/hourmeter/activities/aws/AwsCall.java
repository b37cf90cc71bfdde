package dev.hourmeter.activities.aws;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The one way hourmeter calls AWS: every SDK call of {@link MeteringService}, {@link
 * EntitlementService} and {@link CloudTrailService} goes through {@link #call}, which times and
 * counts it and classifies an SDK failure exactly once, with {@link AwsErrorClassifier}, into a
 * {@link MarketplaceCallException} (retryable or not). Nothing else looks at SDK exceptions.
 *
 * <p>Metrics (no customer ids in tags): counter {@code hourmeter.aws.calls} tagged {@code
 * operation}, {@code outcome} ({@code success}, {@code retryable}, {@code non_retryable}, {@code
 * timestamp_out_of_bounds}) and {@code error} (AWS error type or {@code none}); timer {@code
 * hourmeter.aws.call.duration} tagged {@code operation} and {@code outcome}.
 *
 * <p>Throttling: a call that AWS throttled is told, after it is classified, to the listeners of its
 * operation ({@link #onThrottled}), the worker's rate limits of that operation, which then slow
 * down. This is the one place the throttle signal comes from.
 */
public final class AwsCall {

  private static final Logger log = LoggerFactory.getLogger(AwsCall.class);

  private final MeterRegistry registry;
  private final Map<String, List<Runnable>> throttleListeners = new ConcurrentHashMap<>();

  /**
   * The counter and timer of each (operation, outcome, error), registered once: looking them up in
   * the registry on every call (ids built, tags sorted) cost a share of each call's CPU.
   */
  private final ConcurrentMap<MeterKey, Meters> meters = new ConcurrentHashMap<>();

  private record MeterKey(String operation, String outcome, String error) {}

  private record Meters(Counter calls, Timer duration) {}

  public AwsCall(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /**
   * Runs {@code listener} (quickly, on the calling thread) whenever AWS throttles {@code
   * operation}.
   */
  public void onThrottled(String operation, Runnable listener) {
    Objects.requireNonNull(listener, "listener");
    throttleListeners
        .computeIfAbsent(
            Objects.requireNonNull(operation, "operation"), o -> new CopyOnWriteArrayList<>())
        .add(listener);
  }

  /**
   * Runs one SDK call of {@code operation}.
   *
   * @throws MarketplaceCallException when the SDK call fails with an {@link SdkException}
   */
  public <T> T call(String operation, Supplier<T> invocation) {
    long started = System.nanoTime();
    try {
      T result = invocation.get();
      record(operation, "success", "none", started);
      return result;
    } catch (SdkException e) {
      MarketplaceCallException classified = AwsErrorClassifier.classify(operation, e);
      record(
          operation,
          classified.kind().name().toLowerCase(Locale.ROOT),
          classified.errorType(),
          started);
      log.debug("{} failed: {} ({})", operation, classified.errorType(), classified.kind());
      if (classified.throttled()) {
        tellThrottled(operation);
      }
      throw classified;
    }
  }

  private void tellThrottled(String operation) {
    for (Runnable listener : throttleListeners.getOrDefault(operation, List.of())) {
      try {
        listener.run();
      } catch (RuntimeException e) {
        log.warn("{}: a throttle listener failed", operation, e);
      }
    }
  }

  MeterRegistry registry() {
    return registry;
  }

  private void record(String operation, String outcome, String error, long startedNanos) {
    Meters m = meters.computeIfAbsent(new MeterKey(operation, outcome, error), this::register);
    m.calls().increment();
    m.duration().record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
  }

  private Meters register(MeterKey key) {
    return new Meters(
        registry.counter(
            "hourmeter.aws.calls",
            "operation",
            key.operation(),
            "outcome",
            key.outcome(),
            "error",
            key.error()),
        Timer.builder("hourmeter.aws.call.duration")
            .tags("operation", key.operation(), "outcome", key.outcome())
            .register(registry));
  }
}
