package dev.hourmeter.workflows.state;

import dev.hourmeter.workflows.model.activity.UsageAllocation;
import dev.hourmeter.workflows.model.api.Quantities;
import dev.hourmeter.workflows.model.api.UsageEntry;
import dev.hourmeter.workflows.model.api.UsageReport;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Usage a renewed license had booked for a period its successor now bills, as reports the
 * successor's workflow accepts like any pushed usage: one entry per tagged part and one for the
 * untagged rest of each dimension, none above the per-entry limit, at most {@link
 * UsageReportValidator#MAX_ENTRIES} per report, ids {@code <idPrefix>[-<n>]} (deterministic: the
 * caller makes the prefix unique per hand-over of a period).
 */
final class HandOverReports {

  private HandOverReports() {}

  static List<UsageReport> of(
      String idPrefix,
      Instant dated,
      Map<String, Map.Entry<BigDecimal, List<UsageAllocation>>> usage,
      long maxEntryQuantity) {
    List<UsageEntry> entries = new ArrayList<>();
    BigDecimal limit = BigDecimal.valueOf(maxEntryQuantity);
    String timestamp = dated.toString();
    usage.forEach(
        (dimension, total) -> {
          BigDecimal untagged = total.getKey();
          for (UsageAllocation part : total.getValue()) {
            if (part.tagged() && part.quantity().signum() > 0) {
              split(entries, dimension, part.quantity(), timestamp, part.tags(), limit);
              untagged = Quantities.add(untagged, part.quantity().negate());
            }
          }
          if (untagged.signum() > 0) {
            split(entries, dimension, untagged, timestamp, Map.of(), limit);
          }
        });
    List<UsageReport> reports = new ArrayList<>();
    for (int from = 0; from < entries.size(); from += UsageReportValidator.MAX_ENTRIES) {
      int n = from / UsageReportValidator.MAX_ENTRIES;
      reports.add(
          new UsageReport(
              idPrefix + (n == 0 ? "" : "-" + n),
              entries.subList(
                  from, Math.min(entries.size(), from + UsageReportValidator.MAX_ENTRIES))));
    }
    return reports;
  }

  private static void split(
      List<UsageEntry> entries,
      String dimension,
      BigDecimal quantity,
      String timestamp,
      Map<String, String> tags,
      BigDecimal limit) {
    BigDecimal left = quantity;
    while (left.compareTo(limit) > 0) {
      entries.add(new UsageEntry(dimension, limit, timestamp, tags));
      left = left.subtract(limit);
    }
    entries.add(new UsageEntry(dimension, left, timestamp, tags));
  }
}
