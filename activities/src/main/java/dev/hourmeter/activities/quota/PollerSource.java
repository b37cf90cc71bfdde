package dev.hourmeter.activities.quota;

import java.time.Instant;
import java.util.Map;

/**
 * The workers polling the task queue the fleet shares, as the Temporal server reports them: each
 * poller identity with the last time it polled.
 */
@FunctionalInterface
public interface PollerSource {

  /**
   * Poller identity to its last access, by the server's clock.
   *
   * @throws UnsupportedOperationException when the server cannot tell (the API is not implemented
   *     or not permitted): fleet sharing is then off
   * @throws RuntimeException any other failure, taken as transient
   */
  Map<String, Instant> lastAccessByIdentity();
}
