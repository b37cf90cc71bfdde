package dev.hourmeter.starter;

import dev.hourmeter.client.SettingResolver;
import dev.hourmeter.client.TemporalConnection;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.MeteringOptions;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.CustomerMeteringInput;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.MeteringTuning;
import dev.hourmeter.workflows.model.api.PricingModel;
import io.grpc.Status;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "start",
    mixinStandardHelpOptions = true,
    description = "Start metering a customer (a no-op that says so when already running).")
final class StartCommand extends ClientCommand {

  /** How long a start that outlasted its deadline is looked for before "not confirmed". */
  static final Duration CONFIRM_GRACE = Duration.ofSeconds(5);

  private static final Duration CONFIRM_POLL = Duration.ofMillis(500);

  @Mixin CustomerOptions customer;

  @Option(
      names = "--dimension",
      required = true,
      paramLabel = "NAME",
      description = "A metered dimension of the product (1-255 characters); repeat for several.")
  List<String> dimensions;

  @Option(
      names = "--contract",
      description =
          "CONTRACT pricing: meter only usage above the entitled quantity (default: SUBSCRIPTION, all usage).")
  boolean contract;

  @Option(
      names = "--period",
      paramLabel = "DURATION",
      defaultValue = "PT1H",
      description =
          "Metering period, ISO-8601: at least PT10S and dividing a day (default ${DEFAULT-VALUE}; "
              + "shorter only for development).")
  String period;

  @Option(
      names = "--entitlement-max-age",
      paramLabel = "DURATION",
      description =
          "Reuse an entitled customer's last entitlement check this long, ISO-8601 (default: six periods, "
              + "at most PT6H; PT0S checks every period). The entitlementsChanged signal forces a check sooner.")
  String entitlementMaxAge;

  @Option(
      names = "--window",
      paramLabel = "DURATION",
      description =
          "How long after a period AWS still accepts its records, ISO-8601 (default: 24 periods, at most "
              + "PT24H, AWS's window; at least PT1H, or six periods if shorter). PT6H for cautious "
              + "sellers. AWS's month-end cut-off (06:00 UTC on the 1st) always applies too.")
  String window;

  @Option(
      names = "--close-spread",
      paramLabel = "DURATION",
      description =
          "The customer's periods close at a stable offset inside this spread after the grace (a hash"
              + " of the workflow id), so that many customers do not close in the same second,"
              + " ISO-8601 (default: PT20M for hourly periods, period/3 for shorter ones; PT0S to"
              + " the period's half). See docs/design.md for sizing it to a fleet.")
  String closeSpread;

  @Override
  protected String workflowId() {
    return customer.workflowId();
  }

  @Override
  protected int run(TemporalConnection temporal) {
    MeteringSubscription subscription = subscription();
    WorkflowOptions options =
        MeteringOptions.customerWorkflow(temporal.settings().taskQueue(), subscription);
    requireNo(
        customer.license() != null ? "--license-arn" : "--customer",
        MeteringWorkflowIds.lengthProblem(options.getWorkflowId()));
    // A customer started before ids were escaped (its product or customer holds '%' or '/') keeps
    // its old id: starting it under the escaped id would meter it twice.
    String unescapedId = customer.unescapedWorkflowId();
    if (!unescapedId.equals(options.getWorkflowId())) {
      if (Executions.latest(temporal, unescapedId)
          .filter(old -> Executions.isRunning(old) && customer.isThisCustomer(old))
          .isPresent()) {
        out().println("already running (under its id from before escaping): " + unescapedId);
        return ExitCodes.OK;
      }
    }
    // A legacy customer migrated to this license meters it under its legacy id: a second workflow
    // would bill every hour of the license twice.
    if (subscription.customer().hasLicense()) {
      List<String> holders =
          LicenseHolders.running(
              temporal, subscription.productCode(), subscription.customer().licenseArn());
      List<String> others =
          holders.stream().filter(id -> !id.equals(options.getWorkflowId())).toList();
      if (!others.isEmpty()) {
        out()
            .println(
                "already running (migrated to this license): "
                    + String.join(", ", others)
                    + " meters "
                    + subscription.customer().licenseArn()
                    + "; not started");
        return ExitCodes.OK;
      }
    }
    // Across workflows, one identity per account-hour: AWS bills an hour sent under ProductCode
    // (the account without a license) and under LicenseArn twice.
    IdentityOverlaps.check(
        temporal,
        subscription,
        Set.copyOf(List.of(options.getWorkflowId(), unescapedId)),
        Instant.now());
    CustomerMeteringWorkflow workflow =
        temporal.client().newWorkflowStub(CustomerMeteringWorkflow.class, options);
    try {
      WorkflowExecution execution =
          WorkflowClient.start(workflow::run, CustomerMeteringInput.start(subscription));
      printStarted(temporal, subscription, execution.getWorkflowId(), execution.getRunId(), "");
    } catch (WorkflowExecutionAlreadyStarted e) {
      out().println("already running: " + options.getWorkflowId());
    } catch (RuntimeException e) {
      if (grpcCode(e) != Status.Code.DEADLINE_EXCEEDED) {
        throw e;
      }
      // Reached, but not answered in time: the start may have happened all the same (a busy
      // server). Ask before calling it failed.
      return confirm(temporal, subscription, options.getWorkflowId(), e);
    }
    return ExitCodes.OK;
  }

  /**
   * After a start that outlasted {@code --rpc-timeout}: whether the workflow now runs, and whether
   * this command started it (its identity is in the run's start event). A workflow not (yet) shown
   * is looked for again for {@link #CONFIRM_GRACE}: the server may still be writing it.
   */
  private int confirm(
      TemporalConnection temporal,
      MeteringSubscription subscription,
      String workflowId,
      RuntimeException timeout) {
    String where = temporal.settings().address();
    long deadline = System.nanoTime() + CONFIRM_GRACE.toNanos();
    try {
      while (true) {
        var run = Executions.latest(temporal, workflowId).filter(Executions::isRunning);
        if (run.isPresent()) {
          String runId = run.get().getExecution().getRunId();
          if (identity().equals(Executions.starterIdentity(temporal, workflowId, runId))) {
            printStarted(
                temporal,
                subscription,
                workflowId,
                runId,
                "  (Temporal did not answer the start within "
                    + rpcTimeout()
                    + "; asked afterwards, it shows the workflow running)"
                    + System.lineSeparator());
          } else {
            out().println("already running: " + workflowId);
          }
          return ExitCodes.OK;
        }
        if (System.nanoTime() > deadline) {
          break;
        }
        Thread.sleep(CONFIRM_POLL.toMillis());
      }
    } catch (InterruptedException | RuntimeException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new CliException(
          ExitCodes.NOT_CONFIRMED,
          "start of "
              + workflowId
              + " not confirmed: Temporal at "
              + where
              + " did not answer it within "
              + rpcTimeout()
              + ", and could not say afterwards whether it runs ("
              + firstLine(e)
              + "). It may have started: see ./hourmeter status; running start again is safe"
              + " (a running customer is never started twice)",
          timeout);
    }
    throw new CliException(
        ExitCodes.NOT_CONFIRMED,
        "start of "
            + workflowId
            + " not confirmed: Temporal at "
            + where
            + " did not answer it within "
            + rpcTimeout()
            + ", and "
            + CONFIRM_GRACE.toSeconds()
            + " s later the workflow does not run. The server may still start it: see"
            + " ./hourmeter status; running start again is safe (a running customer is never"
            + " started twice)",
        timeout);
  }

  private void printStarted(
      TemporalConnection temporal,
      MeteringSubscription subscription,
      String workflowId,
      String runId,
      String note) {
    out()
        .printf(
            "started %s (run %s)%n%s%s  dimensions %s, %s, period %s, task queue %s%n",
            workflowId,
            runId,
            note,
            subscription.customer().hasLicense()
                ? "  license " + subscription.customer().licenseArn() + System.lineSeparator()
                : "",
            String.join(",", subscription.dimensions()),
            subscription.pricingModel(),
            subscription.period(),
            temporal.settings().taskQueue());
  }

  private static String firstLine(Throwable e) {
    Status.Code code = grpcCode(e);
    if (code != null) {
      return code.toString();
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.lines().findFirst().orElse(message);
  }

  /**
   * The subscription to start, every flag checked against its documented bounds first so that a
   * refusal names the flag (exit code 2).
   */
  private MeteringSubscription subscription() {
    String productCode = customer.product.trim();
    requireNo("--product", MeteringSubscription.productCodeProblem(productCode));
    if (customer.customer.isBlank()) {
      throw CliException.badInput("--customer: must not be blank");
    }
    CustomerId customerId;
    try {
      customerId = CustomerId.parse(customer.customer, customer.license());
    } catch (IllegalArgumentException e) {
      throw CliException.badInput("--customer: " + e.getMessage().replaceFirst("^customer: ", ""));
    }
    if (customer.licenseArn != null && customer.license() == null) {
      throw CliException.badInput("--license-arn: must not be blank");
    }
    if (customerId.hasLicense()) {
      if (!customerId.hasAwsAccountId()) {
        throw CliException.badInput(
            "--license-arn: a license needs --customer to be an AWS account id (12 digits), not"
                + " the legacy CustomerIdentifier '"
                + customerId.value()
                + "'");
      }
      requireNo("--license-arn", CustomerId.licenseArnProblem(customerId.licenseArn()));
    }
    List<String> names = dimensions.stream().map(String::trim).toList();
    for (String name : names) {
      requireNo("--dimension", MeteringSubscription.dimensionProblem(name));
    }
    if (new LinkedHashSet<>(names).size() != names.size()) {
      throw CliException.badInput("--dimension: given more than once: " + names);
    }
    Duration duration = SettingResolver.parseDuration("--period", period);
    requireNo("--period", MeteringSubscription.periodProblem(duration));
    Duration maxAge =
        entitlementMaxAge == null
            ? null
            : SettingResolver.parseDuration("--entitlement-max-age", entitlementMaxAge);
    if (maxAge != null) {
      requireNo("--entitlement-max-age", MeteringTuning.entitlementMaxAgeProblem(maxAge));
    }
    Duration windowDuration =
        window == null ? null : SettingResolver.parseDuration("--window", window);
    if (windowDuration != null) {
      requireNo("--window", MeteringTuning.windowProblem(windowDuration, duration));
    }
    Duration spread =
        closeSpread == null ? null : SettingResolver.parseDuration("--close-spread", closeSpread);
    if (spread != null) {
      requireNo("--close-spread", MeteringTuning.closeSpreadProblem(spread, duration));
    }
    try {
      MeteringSubscription subscription =
          MeteringSubscription.of(
              productCode,
              customerId,
              names,
              contract ? PricingModel.CONTRACT : PricingModel.SUBSCRIPTION,
              duration);
      MeteringTuning tuning = subscription.tuning();
      if (maxAge != null) {
        tuning = tuning.toBuilder().entitlementMaxAge(maxAge).build();
      }
      if (windowDuration != null) {
        tuning = tuning.toBuilder().window(windowDuration).build();
      }
      if (spread != null) {
        tuning = tuning.toBuilder().closeSpread(spread).build();
      }
      return subscription.withTuning(tuning).requireStartable();
    } catch (IllegalArgumentException e) {
      throw CliException.badInput("invalid subscription: " + e.getMessage());
    }
  }

  private static void requireNo(String flag, String problem) {
    if (problem != null) {
      throw CliException.badInput(flag + ": " + problem);
    }
  }
}
