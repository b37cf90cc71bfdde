package dev.hourmeter.starter;

import dev.hourmeter.client.TemporalConnection;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.IdentityMigration;
import dev.hourmeter.workflows.model.api.MigrationResult;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Moves one running customer workflow of a product to CustomerAWSAccountId + LicenseArn through its
 * {@code migrateIdentity} update, after checking the input here (naming the field) and that no
 * other running workflow of the product meters the license (two workflows would bill it twice).
 */
final class CustomerMigrator {

  /** How one migration ended. */
  enum Kind {
    MIGRATED("migrated"),
    ALREADY_MIGRATED("already migrated"),
    NOT_FOUND("no such workflow"),
    INVALID("invalid");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  /** The outcome of one migration, with the workflow id when known and what to tell the user. */
  record Outcome(Kind kind, String workflowId, String detail) {}

  private final TemporalConnection temporal;
  private final String product;

  CustomerMigrator(TemporalConnection temporal, String product) {
    this.temporal = temporal;
    this.product = product;
  }

  /**
   * What is wrong with the input, each problem prefixed with {@code fieldPrefix} and the field
   * ({@code customer}, {@code aws-account-id}, {@code license-arn}); empty when nothing is.
   */
  static List<String> problems(
      String fieldPrefix, String customer, String awsAccountId, String licenseArn) {
    List<String> problems = new ArrayList<>();
    if (customer == null || customer.isBlank()) {
      problems.add(fieldPrefix + "customer: must not be blank");
    } else {
      try {
        CustomerId.parse(customer);
      } catch (IllegalArgumentException e) {
        problems.add(fieldPrefix + "customer: " + e.getMessage().replaceFirst("^customer: ", ""));
      }
    }
    if (awsAccountId == null || !awsAccountId.matches("\\d{12}")) {
      problems.add(
          fieldPrefix
              + "aws-account-id: must be an AWS account id of 12 digits, got '"
              + awsAccountId
              + "'");
    }
    String licenseProblem = CustomerId.licenseArnProblem(licenseArn);
    if (licenseProblem != null) {
      problems.add(fieldPrefix + "license-arn: " + licenseProblem);
    }
    return problems;
  }

  /**
   * Migrates after {@link #problems} found nothing; {@code fieldPrefix} as there ({@code --} for
   * flags).
   */
  Outcome migrate(String customer, String awsAccountId, String licenseArn, String fieldPrefix) {
    CustomerOptions options = new CustomerOptions();
    options.product = product;
    options.customer = customer;
    options.resolve(temporal);
    String id = options.workflowId();
    Optional<WorkflowExecutionDescription> run = Executions.latest(temporal, id);
    if (run.isEmpty()) {
      return new Outcome(Kind.NOT_FOUND, id, "no metering workflow " + id);
    }
    if (!Executions.isRunning(run.get())) {
      return new Outcome(
          Kind.NOT_FOUND,
          id,
          id + " is no longer running (" + ListCommand.statusName(run.get().getStatus()) + ")");
    }
    String holder = otherHolder(id, awsAccountId, licenseArn);
    if (holder != null) {
      return new Outcome(
          Kind.INVALID,
          id,
          fieldPrefix
              + "license-arn: "
              + licenseArn
              + " is already metered by "
              + holder
              + " (a second workflow would bill it twice)");
    }
    CustomerMeteringWorkflow workflow =
        temporal.client().newWorkflowStub(CustomerMeteringWorkflow.class, id);
    MigrationResult result;
    try {
      result = workflow.migrateIdentity(new IdentityMigration(awsAccountId, licenseArn));
    } catch (WorkflowUpdateException e) {
      ApplicationFailure refusal = applicationFailure(e);
      if (refusal != null) {
        return new Outcome(Kind.INVALID, id, refusal.getOriginalMessage());
      }
      if (notFound(e)) {
        return new Outcome(Kind.NOT_FOUND, id, "no metering workflow " + id);
      }
      throw e;
    } catch (WorkflowNotFoundException e) {
      return new Outcome(Kind.NOT_FOUND, id, "no metering workflow " + id);
    }
    if (result.alreadyMigrated()) {
      return new Outcome(
          Kind.ALREADY_MIGRATED,
          id,
          id
              + " already meters account "
              + awsAccountId
              + " license "
              + licenseArn
              + (result.effectiveFrom() == null
                  ? ""
                  : " (since period " + result.effectiveFrom() + ")"));
    }
    return new Outcome(
        Kind.MIGRATED,
        id,
        id
            + ": records of period "
            + result.effectiveFrom()
            + " on carry account "
            + awsAccountId
            + " license "
            + licenseArn
            + "; earlier periods keep "
            + customer);
  }

  /** Another running workflow of the product metering the license, or null. */
  private String otherHolder(String id, String awsAccountId, String licenseArn) {
    String licensedId = MeteringWorkflowIds.forCustomer(product, awsAccountId, licenseArn);
    if (!licensedId.equals(id)
        && Executions.latest(temporal, licensedId).filter(Executions::isRunning).isPresent()) {
      return licensedId;
    }
    return LicenseHolders.running(temporal, product, licenseArn).stream()
        .filter(other -> !other.equals(id))
        .findFirst()
        .orElse(null);
  }

  private static boolean notFound(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof WorkflowNotFoundException) {
        return true;
      }
    }
    return false;
  }

  private static ApplicationFailure applicationFailure(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof ApplicationFailure failure) {
        return failure;
      }
    }
    return null;
  }
}
