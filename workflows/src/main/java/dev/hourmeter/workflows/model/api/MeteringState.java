package dev.hourmeter.workflows.model.api;

/**
 * Lifecycle of one customer's metering workflow, mirrored in the {@code MeteringState} search
 * attribute.
 */
public enum MeteringState {
  /** Entitled; every period is submitted. */
  ACTIVE,
  /**
   * Not entitled (or expired): nothing is submitted, usage is kept, entitlement is rechecked every
   * period.
   */
  SUSPENDED,
  /**
   * Unsubscribed: the last period was flushed and the workflow completed; or the subscription ended
   * ({@code subscriptionEnded}) and it completed without sending more.
   */
  ENDED,
  /**
   * The agreement was renewed or replaced: its last period was billed and the successor's workflow
   * meters the customer now; this one only forwards usage still addressed to the old license.
   */
  HANDED_OVER
}
