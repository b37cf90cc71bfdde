package dev.hourmeter.workflows;

/**
 * Every {@code Workflow.getVersion} change id of the customer workflow, one per change to its
 * command sequence (see docs/workflow-versioning.md).
 */
final class WorkflowChanges {

  /**
   * A submission still failing when its window closes: records AWS certainly did not accept are
   * carried, those whose fate is unknown are looked up in CloudTrail (carried if not found), and
   * {@code MeteringOutage} flags the customer meanwhile. Before: all UNCONFIRMED, usage lost.
   */
  static final String OUTAGE_CARRY = "outage-carry-2026-11";

  private WorkflowChanges() {}
}
