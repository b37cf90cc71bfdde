package dev.hourmeter.worker.intake;

/**
 * What a lifecycle event asks of the customer's workflow (the table in docs/lifecycle-intake.md).
 */
public enum LifecycleAction {
  /** Start the customer's workflow; a no-op when it runs, never a restart of an ended license. */
  START,
  /**
   * License Updated: {@code entitlementsChanged} when the license is metered, otherwise start it.
   */
  START_OR_ENTITLEMENTS_CHANGED,
  /** Signal {@code entitlementsChanged}; a no-op when no workflow runs. */
  ENTITLEMENTS_CHANGED,
  /** Signal {@code unsubscribe} (final flush now); a no-op when no workflow runs. */
  UNSUBSCRIBE,
  /**
   * An agreement ended or its license was deprovisioned: learn why (the event's {@code
   * detail.agreement.status}, else DescribeAgreement). RENEWED, REPLACED and SUPERSEDED signal
   * {@code agreementEnded} (hand-over to the successor); anything else {@code unsubscribe}.
   */
  AGREEMENT_ENDED,
  /** Signal {@code subscriptionEnded} (end without sending); a no-op when no workflow runs. */
  SUBSCRIPTION_ENDED,
  /** Nothing to do, logged (subscribe-fail, an agreement event hourmeter has no use for). */
  NOTHING
}
