package dev.hourmeter.starter;

import dev.hourmeter.workflows.MeteringWorkflowIds;
import dev.hourmeter.workflows.model.activity.UsageAllocation;
import dev.hourmeter.workflows.model.api.MeteringCounters;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.model.api.Quantities;
import dev.hourmeter.workflows.model.api.RejectedReport;
import dev.hourmeter.workflows.model.api.SubmittedRecord;
import dev.hourmeter.workflows.model.api.UsageTags;
import dev.hourmeter.workflows.model.checkpoint.BacklogPeriod;
import dev.hourmeter.workflows.model.checkpoint.CarriedUsage;
import dev.hourmeter.workflows.model.checkpoint.IdentityChange;
import dev.hourmeter.workflows.model.checkpoint.PeriodUsage;
import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The human-readable form of the {@code status} query. */
final class StatusFormatter {

  private StatusFormatter() {}

  static String format(MeteringStatus s) {
    return format(s, true);
  }

  /**
   * @param live false for a state read after the workflow closed: it will not close the period
   */
  static String format(MeteringStatus s, boolean live) {
    StringBuilder b = new StringBuilder();
    line(b, "workflow", s.workflowId());
    line(
        b,
        "customer",
        s.customer()
            + " of "
            + s.productCode()
            + " ("
            + s.pricingModel()
            + ", period "
            + s.period()
            + ", dimensions "
            + String.join(", ", nullSafe(s.dimensions()))
            + ")");
    String license = licenseOf(s);
    if (license != null) {
      line(b, "license", license);
    }
    for (IdentityChange c : nullSafe(s.identityChanges())) {
      line(
          b,
          "identity",
          "migrated "
              + c.migratedAt()
              + " from "
              + c.from().value()
              + " to account "
              + c.to().customerAwsAccountId()
              + (c.to().hasLicense() ? " license " + c.to().licenseArn() : "")
              + ", from period "
              + c.effectiveFrom()
              + " (earlier periods keep "
              + c.from().value()
              + ")");
    }
    line(b, "state", s.state() + (blank(s.stateReason()) ? "" : " - " + s.stateReason()));
    line(b, "open period", s.openPeriodStart() + "  pending " + quantities(s.openPeriodUsage()));
    if (live && s.nextCloseAt() != null) {
      line(b, "next close", s.nextCloseAt().toString());
    }
    if (s.closeOffset() != null) {
      line(
          b,
          "close offset",
          s.closeOffset() + " after each period's end plus grace (its place in the close spread)");
    }
    for (PeriodUsage p : nullSafe(s.unsubmitted())) {
      line(b, "unsubmitted", p.periodStart() + "  " + quantities(p.quantities()));
    }
    for (BacklogPeriod p : nullSafe(s.backlog())) {
      line(b, "backlog", p.periodStart() + (p.usageCollected() ? "  (usage collected)" : ""));
    }
    MeteringCounters c = s.counters();
    if (c != null) {
      line(
          b,
          "totals",
          c.periodsSubmitted()
              + " periods submitted, "
              + c.recordsAccepted()
              + " records accepted ("
              + Quantities.text(c.quantityAccepted())
              + " units), "
              + c.recordsNotAccepted()
              + " not accepted; reports: "
              + c.reportsAccepted()
              + " accepted, "
              + c.duplicateReports()
              + " duplicate, "
              + c.rejectedReports()
              + " rejected; run "
              + c.runs()
              + ", "
              + s.rememberedReportIds()
              + " report ids remembered");
      if (c.pulledEntriesNotBilled() != null && !c.pulledEntriesNotBilled().isEmpty()) {
        line(
            b,
            "pulled",
            c.pulledEntriesNotBilled().entrySet().stream()
                    .map(e -> e.getValue() + " " + e.getKey())
                    .collect(java.util.stream.Collectors.joining(", "))
                + " (usage-source entries never billed)");
      }
      line(
          b,
          "cloudtrail",
          c.recordsVerified()
              + " verified, "
              + c.recordsResent()
              + " re-sent, "
              + c.recordsUnverified()
              + " UNVERIFIED; "
              + nullSafe(s.verifications()).stream().mapToInt(v -> v.records().size()).sum()
              + " records waiting for a check");
    }

    List<CarriedUsage> carried = nullSafe(s.carried());
    b.append(System.lineSeparator())
        .append("carried usage: ")
        .append(carried.isEmpty() ? "none" : "")
        .append(System.lineSeparator());
    if (!carried.isEmpty()) {
      table(
          b,
          List.of("FROM PERIOD", "TO PERIOD", "DIMENSION", "QUANTITY", "REASON", "TAGGED"),
          carried.stream()
              .map(
                  u ->
                      List.of(
                          str(u.fromPeriod()),
                          str(u.toPeriod()),
                          u.dimension(),
                          Quantities.text(u.quantity()),
                          u.reason(),
                          allocations(nullSafe(u.allocations()), u.allocations().size())))
              .toList());
    }

    List<RejectedReport> rejected = nullSafe(s.rejectedReports());
    b.append(System.lineSeparator())
        .append("rejected reports: ")
        .append(rejected.isEmpty() ? "none" : "")
        .append(System.lineSeparator());
    if (!rejected.isEmpty()) {
      table(
          b,
          List.of("RECEIVED", "REPORT ID", "REASON"),
          rejected.stream()
              .map(r -> List.of(str(r.receivedAt()), String.valueOf(r.reportId()), r.reason()))
              .toList());
    }

    List<SubmittedRecord> records = nullSafe(s.recentRecords());
    b.append(System.lineSeparator())
        .append("recent records: ")
        .append(records.isEmpty() ? "none yet" : "")
        .append(System.lineSeparator());
    if (!records.isEmpty()) {
      table(
          b,
          List.of(
              "PERIOD START",
              "DIMENSION",
              "QUANTITY",
              "STATUS",
              "RECEIPT",
              "METERING RECORD ID",
              "DETAIL",
              "ALLOCATIONS"),
          records.stream()
              .map(
                  r ->
                      List.of(
                          str(r.periodStart()),
                          r.dimension(),
                          Quantities.text(r.quantity()),
                          str(r.status()),
                          str(r.receipt()),
                          r.meteringRecordId() == null ? "-" : r.meteringRecordId(),
                          blank(r.detail()) ? "" : r.detail(),
                          allocations(
                                  nullSafe(r.allocations()),
                                  r.allocationCount() == null ? 0 : r.allocationCount())
                              + (r.foldedTagSets() == null
                                  ? ""
                                  : " (" + r.foldedTagSets() + " tag sets folded into [-])")))
              .toList());
    }
    return b.toString();
  }

  /** Allocations shown in the table. */
  static final int ALLOCATIONS_IN_TABLE = 2;

  /**
   * A record's allocations in one cell: how many, the largest {@value #ALLOCATIONS_IN_TABLE} as
   * {@code tags=quantity} ({@code -} for the untagged one), and how many more ({@code status
   * --json} has them all, up to 100 per record); {@code -} when the record has none.
   */
  static String allocations(List<UsageAllocation> shown, int count) {
    if (shown.isEmpty()) {
      return "-";
    }
    List<String> cells =
        shown.stream()
            .sorted(Comparator.comparing(UsageAllocation::quantity).reversed())
            .limit(ALLOCATIONS_IN_TABLE)
            .map(a -> "[" + UsageTags.text(a.tags()) + "]=" + Quantities.text(a.quantity()))
            .toList();
    int total = Math.max(count, shown.size());
    String more = total > cells.size() ? " +" + (total - cells.size()) + " more" : "";
    return total + ": " + String.join(" ", cells) + more;
  }

  /**
   * The LicenseArn the customer's records carry now: the last migration's, else the one its
   * workflow id names; null for an unlicensed customer.
   */
  static String licenseOf(MeteringStatus s) {
    return s.currentLicenseArn() != null ? s.currentLicenseArn() : license(s.workflowId());
  }

  /** The LicenseArn of a licensed customer's workflow id; null for unlicensed customers. */
  static String license(String workflowId) {
    return MeteringWorkflowIds.parse(workflowId)
        .map(MeteringWorkflowIds.Parsed::licenseArn)
        .orElse(null);
  }

  /** Left-aligned columns separated by two spaces. */
  static void table(StringBuilder b, List<String> header, List<List<String>> rows) {
    int[] widths = new int[header.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = header.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    row(b, header, widths);
    rows.forEach(r -> row(b, r, widths));
  }

  private static void row(StringBuilder b, List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder("  ");
    for (int i = 0; i < cells.size(); i++) {
      line.append(
          i == cells.size() - 1
              ? cells.get(i)
              : String.format("%-" + widths[i] + "s  ", cells.get(i)));
    }
    b.append(line.toString().stripTrailing()).append(System.lineSeparator());
  }

  static void line(StringBuilder b, String label, String value) {
    b.append(String.format("%-12s %s", label, value)).append(System.lineSeparator());
  }

  private static String quantities(Map<String, BigDecimal> quantities) {
    if (quantities == null || quantities.isEmpty()) {
      return "(none)";
    }
    return quantities.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .map(e -> e.getKey() + "=" + Quantities.text(e.getValue()))
        .collect(Collectors.joining(", "));
  }

  static String str(Object value) {
    return value == null ? "-" : value.toString();
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  private static <T> List<T> nullSafe(List<T> list) {
    return list == null ? List.of() : list;
  }
}
