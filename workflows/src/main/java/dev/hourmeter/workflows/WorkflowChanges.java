package dev.hourmeter.workflows;

/**
 * Every {@code Workflow.getVersion} change id of the customer workflow, one constant per change to
 * its command sequence, each with what changed. The rule: docs/workflow-versioning.md.
 */
public final class WorkflowChanges {

  private WorkflowChanges() {}

  /**
   * A submission still failing when its window closes: records AWS certainly did not accept are
   * carried, those whose fate is unknown are looked up in CloudTrail (carried if not found), and
   * {@code MeteringOutage} flags the customer meanwhile. Before: all UNCONFIRMED, usage lost.
   */
  public static final String OUTAGE_CARRY = "outage-carry-2026-11";

  /**
   * The run continues as new from the wait for the period close, without closing a period, when the
   * server suggests it or the run nears Temporal's signal, update or history limits (before: only
   * after a period close).
   */
  public static final String CONTINUE_AS_NEW_FROM_WAIT = "continue-as-new-from-wait-2026-11";

  /**
   * After an unsubscribe's final flush and its receipt checks, usage an outage carried into a later
   * period (or an over-maximum remainder) is billed in that period once it has begun, and the
   * workflow ends only then (before: it ended and that usage was never billed).
   */
  public static final String FINAL_FLUSH_CARRY = "final-flush-carry-2026-11";

  /**
   * Each pulled-usage collect also looks back at the periods collected before (the last 24) and
   * bills what the source added to them since (a line completed after the close, a line stamped in
   * a collected period), carried as LATE like late pushed usage; the checkpoint keeps the totals
   * taken. Before: such lines were never billed.
   */
  public static final String FILE_LATE_LINES = "file-late-lines-2026-11";

  /**
   * A period's window deadline is also capped by AWS's month-end cut-off (records of a month are
   * accepted only until 06:00 UTC on the 1st of the next month): usage that can no longer be sent
   * is carried, and re-sends and verification deadlines move earlier. Chosen once at the start of
   * each run. Before: the window alone (which, with the 6-hour window of those workflows, the
   * cut-off never shortened for periods of an hour).
   */
  public static final String WINDOW_24H_MONTH_END = "window-24h-month-end-2026-11";

  /**
   * The {@code migrateIdentity} update moves a running customer to CustomerAWSAccountId +
   * LicenseArn from its first period not yet submitted: its handler upserts {@code
   * MeteringCustomer} and {@code MeteringLicense}. Before: no such update (nothing else changes for
   * a customer never migrated).
   */
  public static final String MIGRATE_IDENTITY = "migrate-identity-2026-11";

  /**
   * The {@code subscriptionEnded} signal (AWS's unsubscribe-success: AWS accepts no more records)
   * ends the workflow without sending anything more: the state becomes ENDED and the usage not
   * billed is reported (log, {@code hourmeter_usage_unbilled_at_end_units}, status reason). Before:
   * no such signal.
   */
  public static final String SUBSCRIPTION_ENDED = "subscription-ended-2026-11";

  /**
   * Usage entries may carry tags: each record of a period with tagged usage carries {@code
   * UsageAllocations} (one per tag set, untagged usage as one allocation without tags), carried
   * usage keeps its tags. Chosen once at the start of each run. Before: tags were ignored as
   * unknown fields and every record was plain.
   */
  public static final String USAGE_ALLOCATIONS = "usage-allocations-2026-11";
}
