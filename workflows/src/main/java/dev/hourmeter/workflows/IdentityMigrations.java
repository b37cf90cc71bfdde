package dev.hourmeter.workflows;

import static dev.hourmeter.workflows.WorkflowTime.now;

import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.IdentityMigration;
import dev.hourmeter.workflows.model.api.MigrationResult;
import dev.hourmeter.workflows.model.checkpoint.IdentityChange;
import dev.hourmeter.workflows.state.CustomerState;
import dev.hourmeter.workflows.state.IdentityHistory;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * The {@code migrateIdentity} update: moves a running customer (typically a legacy {@code
 * CustomerIdentifier}) to {@code CustomerAWSAccountId} + {@code LicenseArn} from its first period
 * not yet submitted. The workflow keeps its id; {@code MeteringCustomer} and {@code
 * MeteringLicense} are upserted to the new identity.
 */
final class IdentityMigrations {

  private static final Logger log = Workflow.getLogger(IdentityMigrations.class);

  static final String INVALID = "InvalidMigration";
  static final String CONFLICT = "MigrationConflict";

  private final CustomerState state;
  private final MeteringVisibility visibility;

  IdentityMigrations(CustomerState state, MeteringVisibility visibility) {
    this.state = state;
    this.visibility = visibility;
  }

  /** Every reason to refuse the request now, each naming its field; empty when it can run. */
  List<String> problems(IdentityMigration request) {
    if (request == null) {
      return List.of("request: customerAwsAccountId and licenseArn are required");
    }
    List<String> problems = new ArrayList<>(request.problems());
    String stateProblem = state.migrationProblem();
    if (stateProblem != null) {
      problems.add(stateProblem);
    }
    if (problems.isEmpty()
        && state.identities().verdict(request) == IdentityHistory.Verdict.CONFLICT) {
      problems.add(state.identities().conflict(request));
    }
    return problems;
  }

  /** The validator: read-only, throws naming the field(s). */
  void validate(IdentityMigration request) {
    List<String> problems = problems(request);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  MigrationResult migrate(IdentityMigration request) {
    state.countUpdate(); // here, never in the validator: validators do not run on replay
    String workflowId = Workflow.getInfo().getWorkflowId();
    // Checked again: the workflow may have changed since the validator ran.
    List<String> problems = problems(request);
    if (!problems.isEmpty()) {
      boolean conflict =
          request != null
              && request.problems().isEmpty()
              && state.migrationProblem() == null
              && state.identities().verdict(request) == IdentityHistory.Verdict.CONFLICT;
      throw ApplicationFailure.newNonRetryableFailure(
          String.join("; ", problems), conflict ? CONFLICT : INVALID);
    }
    if (state.identities().verdict(request) == IdentityHistory.Verdict.ALREADY) {
      return new MigrationResult(
          MigrationResult.ALREADY_MIGRATED, workflowId, state.identities().currentSince());
    }
    CustomerId to = request.customer();
    IdentityChange change = state.migrate(to, now());
    Workflow.upsertTypedSearchAttributes(
        MeteringSearchAttributes.CUSTOMER.valueSet(to.customerAwsAccountId()),
        MeteringSearchAttributes.LICENSE.valueSet(to.licenseArn()));
    log.info(
        "identity migrated from {} to account {} license {}, effective from period {}",
        change.from(),
        to.customerAwsAccountId(),
        to.licenseArn(),
        change.effectiveFrom());
    visibility.updateDetails();
    return new MigrationResult(MigrationResult.MIGRATED, workflowId, change.effectiveFrom());
  }
}
