package dev.hourmeter.activities.quota;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Turns what the server says about the task queue's pollers into this worker's {@link FleetView}.
 * Not thread-safe: one {@link FleetMonitor} thread calls it.
 *
 * <ul>
 *   <li><b>Live workers</b>: the poller identities whose last access is at most {@code staleAfter}
 *       old (longer than the worker's long poll, so that an idle worker waiting in its poll still
 *       counts), plus this worker, which counts itself before the server lists it. A worker that
 *       died drops out {@code staleAfter} after its last poll.
 *   <li><b>Rank</b>: this worker's place among the live identities, sorted.
 *   <li><b>Joining</b>: a worker that sees others must not call before each of them has counted it
 *       and so taken a smaller share; they look every refresh interval. So once the server first
 *       lists it, it waits {@code settleDelay} (a refresh interval plus a margin), and until it is
 *       listed, at least that long. A worker alone takes its share at once. A worker that the
 *       server stops listing (a Temporal restart that forgot the pollers) joins again.
 * </ul>
 */
public final class FleetMembership {

  private final String self;
  private final Duration staleAfter;
  private final Duration settleDelay;
  private final Clock clock;
  private Instant listedSince;
  private boolean settled;
  private List<String> live = List.of();

  public FleetMembership(String self, Duration staleAfter, Duration settleDelay, Clock clock) {
    this.self = Objects.requireNonNull(self, "self");
    this.staleAfter = Objects.requireNonNull(staleAfter, "staleAfter");
    this.settleDelay = Objects.requireNonNull(settleDelay, "settleDelay");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The view after the server listed these pollers (identity to last access). */
  public FleetView update(Map<String, Instant> lastAccess) {
    Instant now = clock.instant();
    Instant oldest = now.minus(staleAfter);
    TreeSet<String> alive = new TreeSet<>();
    lastAccess.forEach(
        (identity, at) -> {
          if (!at.isBefore(oldest)) {
            alive.add(identity);
          }
        });
    boolean listed = alive.contains(self);
    alive.add(self);
    live = List.copyOf(alive);
    if (!listed) {
      listedSince = null;
      settled = false;
    } else if (listedSince == null) {
      listedSince = now;
    }
    int rank = new ArrayList<>(alive).indexOf(self);
    Duration joining;
    if (alive.size() == 1) {
      joining = Duration.ZERO;
      settled = listed;
    } else if (settled) {
      joining = Duration.ZERO;
    } else if (listedSince == null) {
      joining = settleDelay;
    } else {
      joining = Duration.between(now, listedSince.plus(settleDelay));
      if (joining.isNegative() || joining.isZero()) {
        joining = Duration.ZERO;
        settled = true;
      }
    }
    return new FleetView(alive.size(), rank, joining);
  }

  /** The live identities of the last update, sorted (this worker's included). */
  public List<String> live() {
    return live;
  }

  /** Whether the server lists this worker yet. */
  public boolean listed() {
    return listedSince != null;
  }

  public String self() {
    return self;
  }
}
