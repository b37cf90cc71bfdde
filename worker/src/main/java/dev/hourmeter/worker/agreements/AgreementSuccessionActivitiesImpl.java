package dev.hourmeter.worker.agreements;

import dev.hourmeter.client.VisibilityQuery;
import dev.hourmeter.workflows.MeteringSearchAttributes;
import dev.hourmeter.workflows.activities.AgreementSuccessionActivities;
import dev.hourmeter.workflows.model.activity.SuccessorQuery;
import dev.hourmeter.workflows.model.api.AgreementChain;
import dev.hourmeter.workflows.model.api.AgreementLink;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import io.temporal.activity.Activity;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the license that took over a renewed or replaced one. AWS links nothing from the new
 * agreement to the old: the successor is the running customer workflow of the same product and
 * acceptor account ({@code MeteringProduct}, {@code MeteringCustomer}) on another license ({@code
 * MeteringLicense}), started no earlier than {@link #MATCH_WINDOW} before the old agreement ended
 * (a concurrent agreement the account held before is not a successor), that has no predecessor yet
 * (its {@code status}); the earliest started of them. Until one runs, the call fails retryably and
 * the workflow's retry policy asks again. Every call goes through the worker's own {@link
 * WorkflowClient}.
 */
public final class AgreementSuccessionActivitiesImpl implements AgreementSuccessionActivities {

  /** A successor's workflow started at most this long before the old agreement ended. */
  public static final Duration MATCH_WINDOW = Duration.ofHours(1);

  private static final Logger log =
      LoggerFactory.getLogger(AgreementSuccessionActivitiesImpl.class);

  private final WorkflowClient fixedClient;

  /** Uses the client of the worker that runs the activity. */
  public AgreementSuccessionActivitiesImpl() {
    this(null);
  }

  AgreementSuccessionActivitiesImpl(WorkflowClient client) {
    this.fixedClient = client;
  }

  @Override
  public AgreementLink findSuccessor(SuccessorQuery query) {
    WorkflowClient client =
        fixedClient != null ? fixedClient : Activity.getExecutionContext().getWorkflowClient();
    Instant earliest = query.endedAt().minus(MATCH_WINDOW);
    String visibility =
        VisibilityQuery.where(MeteringSearchAttributes.PRODUCT, query.productCode())
            .and(MeteringSearchAttributes.CUSTOMER, query.customerAwsAccountId())
            .running()
            .toString();
    List<WorkflowExecutionMetadata> candidates =
        client
            .listExecutions(visibility)
            .filter(e -> !e.getExecution().getWorkflowId().equals(query.workflowId()))
            .filter(e -> !e.getStartTime().isBefore(earliest))
            .filter(e -> otherLicense(e, query.licenseArn()).isPresent())
            .sorted(Comparator.comparing(WorkflowExecutionMetadata::getStartTime))
            .toList();
    for (WorkflowExecutionMetadata candidate : candidates) {
      String workflowId = candidate.getExecution().getWorkflowId();
      AgreementLink predecessor = predecessorOf(client, workflowId);
      if (predecessor == null || query.workflowId().equals(predecessor.workflowId())) {
        String license = otherLicense(candidate, query.licenseArn()).orElseThrow();
        log.info(
            "successor of {} ({}): {} ({})",
            query.workflowId(),
            query.licenseArn(),
            workflowId,
            license);
        return new AgreementLink(workflowId, license, query.endedAt());
      }
    }
    throw ApplicationFailure.newFailure(
        "no running workflow of product "
            + query.productCode()
            + " and account "
            + query.customerAwsAccountId()
            + " on another license, started since "
            + earliest
            + " and not yet a successor ("
            + candidates.size()
            + " candidate(s) already taken)",
        "SuccessorNotFound");
  }

  private static Optional<String> otherLicense(WorkflowExecutionMetadata e, String ownLicense) {
    String license = e.getTypedSearchAttributes().get(MeteringSearchAttributes.LICENSE);
    return license == null || license.equals(ownLicense) ? Optional.empty() : Optional.of(license);
  }

  private static AgreementLink predecessorOf(WorkflowClient client, String workflowId) {
    MeteringStatus status =
        client.newUntypedWorkflowStub(workflowId).query("status", MeteringStatus.class);
    AgreementChain chain = status.agreement();
    return chain == null ? null : chain.predecessor();
  }
}
