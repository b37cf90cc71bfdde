package dev.hourmeter.workflows.state;

import dev.hourmeter.workflows.model.activity.EntitlementSnapshot;
import java.time.Duration;
import java.time.Instant;

/**
 * The last entitlement check, reused while {@link EntitlementSnapshot#reusableAt} allows (carried
 * across continue-as-new). Dropped when entitlements change and when the customer migrates.
 */
public final class EntitlementCache {

  private final PeriodCalendar calendar;
  private final Duration maxAge;
  private EntitlementSnapshot last;

  EntitlementCache(PeriodCalendar calendar, Duration maxAge, EntitlementSnapshot restored) {
    this.calendar = calendar;
    this.maxAge = maxAge;
    this.last = restored;
  }

  /** The last answer if it may stand in for a new check now, else null. */
  public EntitlementSnapshot reusable(Instant now) {
    return last != null && last.reusableAt(now, maxAge) ? last : null;
  }

  /**
   * Keeps a new answer (null: the check failed), stamped with the start of the current period, so a
   * max age of N periods means a check every N closes whatever the few seconds' jitter of a close.
   */
  public EntitlementSnapshot remember(EntitlementSnapshot checked, Instant now) {
    last = checked == null ? null : checked.checkedAt(calendar.periodStartOf(now));
    return last;
  }

  /** The last answer whatever its age when it was entitled, else null. */
  public EntitlementSnapshot lastEntitled() {
    return last != null && last.entitled() ? last : null;
  }

  /** The next submission checks again. */
  void forget() {
    last = null;
  }

  /** The answer the checkpoint carries (null: none fit for reuse). */
  EntitlementSnapshot last() {
    return last;
  }
}
