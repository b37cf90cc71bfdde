package dev.hourmeter.workflows;

import dev.hourmeter.workflows.model.api.AgreementEnd;
import dev.hourmeter.workflows.model.api.AgreementLink;
import dev.hourmeter.workflows.model.api.CustomerMeteringInput;
import dev.hourmeter.workflows.model.api.IdentityMigration;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.model.api.MigrationResult;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The customer workflow's typed handlers, the interface {@link CustomerMeteringWorkflowImpl}
 * implements. Clients use {@link CustomerMeteringWorkflow}, which adds the usage messages that the
 * workflow reads as raw JSON through {@link UsageMessages}.
 */
@WorkflowInterface
public interface CustomerMetering {

  @WorkflowMethod(name = "CustomerMetering")
  void run(CustomerMeteringInput input);

  /**
   * Entitlements changed (wire AWS's entitlement-updated notification here): the cached answer is
   * dropped and the next submission checks again; a suspended customer resumes at once when
   * entitled again.
   */
  @SignalMethod(name = "entitlementsChanged")
  void entitlementsChanged();

  /** Meter the open period at once with final records, then end. */
  @SignalMethod(name = "unsubscribe")
  void unsubscribe();

  /**
   * Meter the customer as {@code CustomerAWSAccountId} + {@code LicenseArn} from its first period
   * not yet submitted (a legacy customer moving to Concurrent Agreements). The workflow keeps its
   * id. Answers {@code ALREADY_MIGRATED} when it already meters under that identity.
   */
  @UpdateMethod(name = "migrateIdentity")
  MigrationResult migrateIdentity(IdentityMigration request);

  /** Refuses, naming the field, a malformed request, an ended workflow or another license. */
  @UpdateValidatorMethod(updateName = "migrateIdentity")
  void validateMigrateIdentity(IdentityMigration request);

  /**
   * The subscription has ended and AWS accepts no more records (its unsubscribe-success): end at
   * once without sending anything more; usage not billed yet is reported as unbilled at the end.
   * Overrides a pending {@link #unsubscribe}. Idempotent.
   */
  @SignalMethod(name = "subscriptionEnded")
  void subscriptionEnded();

  /**
   * The customer's agreement was renewed, replaced or superseded (a licensed customer, from the
   * lifecycle intake): usage dated before {@code endedAt} is billed here through the period that
   * holds it; usage from then on goes to the successor, found by product and acceptor account and
   * told {@link #takeOver}. Idempotent: the first request counts.
   */
  @SignalMethod(name = "agreementEnded")
  void agreementEnded(AgreementEnd end);

  /**
   * Sent by the predecessor's workflow once it found this one as its successor: recorded for {@code
   * status} (the chain); forwarded usage follows as {@code recordUsage}.
   */
  @SignalMethod(name = AgreementHandOver.TAKE_OVER)
  void takeOver(AgreementLink predecessor);

  @QueryMethod(name = "status")
  MeteringStatus status();
}
