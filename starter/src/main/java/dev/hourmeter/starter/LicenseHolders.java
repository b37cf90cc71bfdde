package dev.hourmeter.starter;

import dev.hourmeter.client.TemporalConnection;
import dev.hourmeter.workflows.MeteringSearchAttributes;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.common.SearchAttributes;
import java.util.List;

/**
 * The running customer workflows of a product that meter a given LicenseArn, found by the {@code
 * MeteringLicense} search attribute: set at start for a licensed customer, upserted by a migration
 * (whose workflow keeps its legacy id). Guards {@code start} and {@code migrate} against billing
 * one license from two workflows, and lets {@code status}/{@code usage}/{@code unsubscribe} find a
 * migrated customer by its license. Uses a visibility query; on servers without one (the in-process
 * dev server) it reads the attributes of each open customer workflow. A real server's visibility is
 * eventually consistent (typically well under a second behind).
 */
final class LicenseHolders {

  private LicenseHolders() {}

  /** Ids of running workflows of {@code product} metering {@code licenseArn}, sorted. */
  static List<String> running(TemporalConnection temporal, String product, String licenseArn) {
    List<WorkflowExecutionMetadata> runs =
        Executions.matching(
                temporal,
                Executions.customerWorkflows()
                    .running()
                    .and(MeteringSearchAttributes.PRODUCT, product)
                    .and(MeteringSearchAttributes.LICENSE, licenseArn))
            .orElseGet(
                () ->
                    Executions.withoutQuery(temporal, false).stream()
                        .filter(run -> holds(run, product, licenseArn))
                        .toList());
    return runs.stream()
        .map(run -> run.getExecution().getWorkflowId())
        .distinct()
        .sorted()
        .toList();
  }

  private static boolean holds(WorkflowExecutionMetadata run, String product, String license) {
    SearchAttributes attributes = run.getTypedSearchAttributes();
    return Executions.isRunning(run)
        && product.equals(attributes.get(MeteringSearchAttributes.PRODUCT))
        && license.equals(attributes.get(MeteringSearchAttributes.LICENSE));
  }
}
