package dev.hourmeter.client.usage;

/**
 * What became of one {@link UsageEvent}. {@code ACCEPTED}: its usage will be billed (once); {@code
 * DUPLICATE}: its id was seen before with the same usage, nothing was added; {@code REFUSED}:
 * nothing was added, {@code reason} says why (naming the field), {@code code} is a short
 * machine-readable kind (see {@link Codes}) and {@code retryable} whether sending the same event
 * again can succeed. A retry is always safe: the id makes it idempotent.
 */
public record EventOutcome(
    String id, Status status, String code, String reason, boolean retryable) {

  /** The three outcomes of an event. */
  public enum Status {
    ACCEPTED,
    DUPLICATE,
    REFUSED
  }

  /** The refusal codes. */
  public static final class Codes {
    /** A field is missing or wrong (the reason names it). */
    public static final String INVALID = "invalid";

    /** The id was already reported with different usage. */
    public static final String CONFLICT = "conflict";

    /** The customer's dedup memory is full: retry later. */
    public static final String MEMORY_FULL = "memory_full";

    /** No running workflow for this customer (never started, or ended). */
    public static final String NOT_RUNNING = "not_running";

    /** The customer's subscription has ended: usage is no longer accepted. */
    public static final String ENDED = "ended";

    /** Temporal could not be reached or did not answer in time: retry. */
    public static final String UNAVAILABLE = "unavailable";

    private Codes() {}
  }

  public static EventOutcome accepted(String id) {
    return new EventOutcome(id, Status.ACCEPTED, null, null, false);
  }

  public static EventOutcome duplicate(String id) {
    return new EventOutcome(id, Status.DUPLICATE, null, null, false);
  }

  public static EventOutcome refused(String id, String code, String reason, boolean retryable) {
    return new EventOutcome(id, Status.REFUSED, code, reason, retryable);
  }

  public boolean refused() {
    return status == Status.REFUSED;
  }
}
