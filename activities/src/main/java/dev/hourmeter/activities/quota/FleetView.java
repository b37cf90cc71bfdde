package dev.hourmeter.activities.quota;

import java.time.Duration;
import java.util.Objects;

/**
 * What a worker knows of the fleet that shares its AWS account: {@code workers} live workers
 * (itself included), its own {@code rank} among their sorted identities, and {@code joiningFor}:
 * how much longer it must stay off the quota because the others may not have seen it yet (zero once
 * they have, and for a worker alone).
 */
public record FleetView(int workers, int rank, Duration joiningFor) {

  /** One worker, nobody to share with. */
  public static final FleetView ALONE = new FleetView(1, 0, Duration.ZERO);

  public FleetView {
    if (workers < 1 || rank < 0 || rank >= workers) {
      throw new IllegalArgumentException("bad fleet view: rank " + rank + " of " + workers);
    }
    Objects.requireNonNull(joiningFor, "joiningFor");
    if (joiningFor.isNegative()) {
      joiningFor = Duration.ZERO;
    }
  }

  public boolean joining() {
    return !joiningFor.isZero();
  }
}
