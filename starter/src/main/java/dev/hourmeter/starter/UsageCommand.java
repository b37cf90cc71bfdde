package dev.hourmeter.starter;

import dev.hourmeter.client.TemporalConnection;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.model.api.Quantities;
import dev.hourmeter.workflows.model.api.UsageEntry;
import dev.hourmeter.workflows.model.api.UsageReceipt;
import dev.hourmeter.workflows.model.api.UsageReport;
import dev.hourmeter.workflows.model.api.UsageTags;
import dev.hourmeter.workflows.state.UsageReportValidator;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "usage",
    mixinStandardHelpOptions = true,
    description = {
      "Report usage through the workflow's validating update `reportUsage`.",
      "Refused input (unknown dimension, negative quantity, more than 6 decimal places, timestamp in the future or too old, a tag outside AWS's rules) exits with 2."
    })
final class UsageCommand extends ClientCommand {

  @Mixin CustomerOptions customer;

  @Option(
      names = "--dimension",
      required = true,
      paramLabel = "NAME",
      description = "Dimension the usage counts toward.")
  String dimension;

  @Option(
      names = "--quantity",
      required = true,
      paramLabel = "N",
      description =
          "Quantity used (>= 0): whole, or a decimal with at most 6 places (e.g. 0.25), billed"
              + " exactly.")
  BigDecimal quantity;

  @Option(
      names = "--id",
      paramLabel = "ID",
      description =
          "Report id; resending the same id is a no-op (default: a random UUID, printed).")
  String id;

  @Option(
      names = "--at",
      paramLabel = "ISO-8601",
      description =
          "When the usage happened, e.g. 2026-01-31T10:15:00Z (default: when the workflow receives it).")
  String at;

  @Option(
      names = "--tag",
      paramLabel = "KEY=VALUE",
      description =
          "Tag the usage (repeatable, at most 5): it is billed as its own UsageAllocation, e.g."
              + " --tag team=a --tag env=prod. Keys 1-100, values 1-256 characters of"
              + " [a-zA-Z0-9+ -=._:/@].")
  List<String> tags = new ArrayList<>();

  @Override
  protected String workflowId() {
    return customer.workflowId();
  }

  @Override
  protected int run(TemporalConnection temporal) {
    customer.resolve(temporal);
    UsageReport report = report();
    CustomerMeteringWorkflow workflow =
        temporal.client().newWorkflowStub(CustomerMeteringWorkflow.class, customer.workflowId());
    UsageReceipt receipt;
    try {
      receipt = workflow.reportUsage(report);
    } catch (WorkflowUpdateException e) {
      ApplicationFailure refusal = applicationFailure(e);
      if (refusal != null) {
        throw CliException.badInput(
            "usage refused by " + customer.workflowId() + ": " + refusal.getOriginalMessage());
      }
      throw e;
    }
    if (receipt.duplicate()) {
      out().println("duplicate report " + receipt.reportId() + ": already received, nothing added");
      return ExitCodes.OK;
    }
    out()
        .printf(
            "accepted report %s: %s %s into period %s%s%n",
            receipt.reportId(),
            Quantities.text(quantity),
            dimension,
            receipt.periods().stream().map(Instant::toString).collect(Collectors.joining(", ")),
            receipt.carried() ? " (carried: its own period was already submitted)" : "");
    return ExitCodes.OK;
  }

  /** Checks what can be checked here, naming the flag; the workflow's validator checks the rest. */
  private UsageReport report() {
    if (dimension.isBlank()) {
      throw CliException.badInput("--dimension: must not be blank");
    }
    if (quantity.signum() < 0) {
      throw CliException.badInput("--quantity: must be >= 0, got " + quantity.toPlainString());
    }
    if (Quantities.canonical(quantity).scale() > Quantities.MAX_DECIMAL_PLACES) {
      throw CliException.badInput(
          "--quantity: at most "
              + Quantities.MAX_DECIMAL_PLACES
              + " decimal places are accepted, got "
              + quantity.toPlainString());
    }
    if (id != null && id.isBlank()) {
      throw CliException.badInput("--id: must not be blank");
    }
    String timestamp = null;
    if (at != null) {
      timestamp = parseInstant(at).toString();
    }
    String reportId = id != null ? id.trim() : UUID.randomUUID().toString();
    return new UsageReport(
        reportId, List.of(new UsageEntry(dimension.trim(), quantity, timestamp, parseTags())));
  }

  /** {@code --tag k=v} flags, checked by the same rules as the workflow's validator. */
  private Map<String, String> parseTags() {
    Map<String, String> parsed = new TreeMap<>();
    for (String tag : tags) {
      int equals = tag.indexOf('=');
      if (equals <= 0) {
        throw CliException.badInput("--tag: '" + tag + "' is not KEY=VALUE");
      }
      String key = tag.substring(0, equals);
      if (parsed.put(key, tag.substring(equals + 1)) != null) {
        throw CliException.badInput("--tag: the key '" + key + "' is given twice");
      }
    }
    List<String> problems = UsageTags.problems(parsed, "--tag");
    if (!problems.isEmpty()) {
      throw CliException.badInput(String.join("; ", problems));
    }
    return parsed;
  }

  /**
   * The same parsing the workflow's validator applies, so the CLI refuses exactly what it would.
   */
  private static Instant parseInstant(String text) {
    Instant instant = UsageReportValidator.parseTimestamp(text);
    if (instant == null) {
      throw CliException.badInput(
          "--at: '" + text + "' is not an ISO-8601 instant such as 2026-01-31T10:15:00Z");
    }
    return instant;
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
