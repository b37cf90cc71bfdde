package dev.hourmeter.workflows.state;

import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.ReceiptStatus;
import dev.hourmeter.workflows.model.activity.RecordResult;
import dev.hourmeter.workflows.model.api.SubmittedRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The records of the most recent {@code periodsKept} submitted periods with AWS's answer and their
 * receipt, for {@code status} (carried across continue-as-new).
 */
final class RecentSubmissions {

  private final int periodsKept;
  private final LinkedHashMap<Instant, List<SubmittedRecord>> byPeriod = new LinkedHashMap<>();

  RecentSubmissions(int periodsKept, List<SubmittedRecord> restored) {
    this.periodsKept = periodsKept;
    for (SubmittedRecord record : restored) {
      byPeriod.computeIfAbsent(record.periodStart(), p -> new ArrayList<>()).add(record);
    }
  }

  void add(Instant periodStart, List<RecordResult> results) {
    byPeriod.put(periodStart, new ArrayList<>(results.stream().map(SubmittedRecord::of).toList()));
    while (byPeriod.size() > periodsKept) {
      byPeriod.remove(byPeriod.keySet().iterator().next());
    }
  }

  /** Shows a record's receipt (a record older than what is kept is only counted elsewhere). */
  void markReceipt(MeteringRecord record, ReceiptStatus receipt) {
    List<SubmittedRecord> period = byPeriod.get(record.timestamp());
    if (period != null) {
      period.replaceAll(r -> r.dimension().equals(record.dimension()) ? r.withReceipt(receipt) : r);
    }
  }

  /** Every kept record, oldest period first. */
  List<SubmittedRecord> records() {
    List<SubmittedRecord> records = new ArrayList<>();
    byPeriod.values().forEach(records::addAll);
    return records;
  }
}
