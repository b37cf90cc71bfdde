package dev.hourmeter.starter;

import dev.hourmeter.client.TemporalConnection;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.state.PeriodCalendar;
import io.temporal.client.WorkflowExecutionMetadata;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Keeps {@code start} from making AWS bill an hour twice across workflows: AWS bills an account's
 * hour once per identity it gets records under, and records under {@code ProductCode} (an account
 * without a license) and under {@code LicenseArn} are two. Inside one workflow the workflow keeps
 * one identity per hour; across workflows {@code start} refuses (exit 2):
 *
 * <ul>
 *   <li>a license while a workflow of the same product meters the account without one;
 *   <li>the account without a license while a workflow of the same product meters one of its
 *       licenses (a migrated workflow counts as licensed);
 *   <li>a license while the account's unlicensed workflow closed too recently: its last records may
 *       be for the hour the new workflow's first period falls in (design.md, the cut-over rule).
 * </ul>
 *
 * A legacy customer known only by its {@code CustomerIdentifier} cannot be matched to an account.
 */
final class IdentityOverlaps {

  private IdentityOverlaps() {}

  /**
   * Throws a {@link CliException} (exit 2) when starting {@code subscription} now would bill an
   * hour of its account under both identities; {@code ownIds} are the ids the customer's own
   * workflow may have (never a conflict: starting it again is a no-op).
   */
  static void check(
      TemporalConnection temporal,
      MeteringSubscription subscription,
      Set<String> ownIds,
      Instant now) {
    CustomerId customer = subscription.customer();
    if (!customer.hasAwsAccountId()) {
      return; // a legacy CustomerIdentifier: its account is unknown here
    }
    String product = subscription.productCode();
    String account = customer.customerAwsAccountId();
    List<WorkflowExecutionMetadata> running =
        AccountWorkflows.running(temporal, product, account).stream()
            .filter(run -> !ownIds.contains(run.getExecution().getWorkflowId()))
            .toList();
    if (customer.hasLicense()) {
      List<String> unlicensed =
          running.stream()
              .filter(run -> AccountWorkflows.license(run) == null)
              .map(run -> run.getExecution().getWorkflowId())
              .toList();
      if (!unlicensed.isEmpty()) {
        throw CliException.badInput(
            unlicensedRunning(product, account, customer.licenseArn(), unlicensed));
      }
      checkClosedUnlicensed(temporal, subscription, now);
    } else {
      Map<String, String> licensed = new LinkedHashMap<>();
      for (WorkflowExecutionMetadata run : running) {
        String license = AccountWorkflows.license(run);
        if (license != null) {
          licensed.put(run.getExecution().getWorkflowId(), license);
        }
      }
      if (!licensed.isEmpty()) {
        throw CliException.badInput(licensedRunning(product, account, licensed));
      }
    }
  }

  /**
   * When a workflow of {@code period} may start after an unlicensed workflow of its account closed
   * at {@code closedAt}: the first period boundary at or after the end of the hour it closed in.
   * Records carry their period's start, the closed workflow's last ones at most the hour it closed
   * in; a new workflow meters from the period in progress when it starts, which then begins in a
   * later hour.
   */
  static Instant firstSafeStart(Instant closedAt, Duration period) {
    Instant nextHour = closedAt.truncatedTo(ChronoUnit.HOURS).plus(1, ChronoUnit.HOURS);
    PeriodCalendar calendar = new PeriodCalendar(period);
    Instant start = calendar.periodStartOf(nextHour);
    return start.equals(nextHour) ? start : calendar.next(start);
  }

  private static void checkClosedUnlicensed(
      TemporalConnection temporal, MeteringSubscription subscription, Instant now) {
    String product = subscription.productCode();
    String account = subscription.customer().customerAwsAccountId();
    Duration period = subscription.period();
    // Any close after this may still be too recent; firstSafeStart decides.
    Instant since = now.minus(period).minus(Duration.ofHours(1));
    Map<String, Instant> closed =
        AccountWorkflows.closedAfter(temporal, product, account, since).stream()
            .filter(run -> AccountWorkflows.license(run) == null)
            .filter(run -> firstSafeStart(run.getCloseTime(), period).isAfter(now))
            .collect(
                Collectors.toMap(
                    run -> run.getExecution().getWorkflowId(),
                    WorkflowExecutionMetadata::getCloseTime,
                    (a, b) -> a.isAfter(b) ? a : b,
                    LinkedHashMap::new));
    if (closed.isEmpty()) {
      return;
    }
    Map.Entry<String, Instant> last =
        closed.entrySet().stream().max(Comparator.comparing(Map.Entry::getValue)).orElseThrow();
    Instant safe = firstSafeStart(last.getValue(), period);
    throw CliException.badInput(
        "not started: "
            + String.join(", ", closed.keySet())
            + ", which metered account "
            + account
            + " of product "
            + product
            + " without a license (ProductCode), closed "
            + (closed.size() == 1 ? "" : "(the last) ")
            + "at "
            + last.getValue().truncatedTo(ChronoUnit.SECONDS)
            + ": it may have sent records for any hour up to the one from "
            + last.getValue().truncatedTo(ChronoUnit.HOURS)
            + ", and this license's first period ("
            + period
            + ", the one in progress) begins at "
            + new PeriodCalendar(period).periodStartOf(now)
            + ": AWS would bill an hour sent under both ProductCode and LicenseArn twice; start"
            + " this license at or after "
            + safe
            + ", when the period in progress begins after that hour"
            + " (the cut-over rule, docs/design.md)");
  }

  private static String unlicensedRunning(
      String product, String account, String license, List<String> ids) {
    return "not started: "
        + String.join(", ", ids)
        + (ids.size() == 1 ? " meters" : " meter")
        + " account "
        + account
        + " of product "
        + product
        + " without a license (ProductCode): AWS would bill every hour twice, under ProductCode"
        + " and under this LicenseArn. Move it to the license instead: ./hourmeter migrate"
        + " --product "
        + product
        + " --customer "
        + account
        + " --aws-account-id "
        + account
        + " --license-arn "
        + license
        + "; or unsubscribe it, wait until its Temporal execution has closed (not merely ENDED in"
        + " status), then start this license in a later hour";
  }

  private static String licensedRunning(
      String product, String account, Map<String, String> licensed) {
    return "not started: account "
        + account
        + " of product "
        + product
        + " is metered under a license by "
        + licensed.entrySet().stream()
            .map(e -> e.getKey() + " (" + e.getValue() + ")")
            .collect(Collectors.joining(", "))
        + ": AWS would bill every hour twice, under that LicenseArn and under ProductCode for"
        + " the account. Meter the account through its license; to meter it without one instead,"
        + " unsubscribe "
        + (licensed.size() == 1 ? "that workflow" : "those workflows")
        + ", wait until "
        + (licensed.size() == 1 ? "its Temporal execution has" : "their Temporal executions have")
        + " closed, then start in a later hour";
  }
}
