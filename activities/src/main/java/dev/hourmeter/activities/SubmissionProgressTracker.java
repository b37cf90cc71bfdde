package dev.hourmeter.activities;

import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.RecordResult;
import dev.hourmeter.workflows.model.activity.RecordStatus;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The final results of one SubmitUsageRecords attempt so far: restored from the previous attempt's
 * {@link SubmissionProgress} heartbeat, filled in as the sender reports, turned back into a
 * heartbeat (with the records whose fate is unknown), and summarized for log lines. Not thread-safe
 * (one activity thread).
 */
final class SubmissionProgressTracker {

  private final List<MeteringRecord> records;
  private final RecordResult[] results;

  /** Some attempt sent the record without learning whether AWS processed it. */
  private final boolean[] fateUnknown;

  /** Being sent now: its fate is unknown until the send ends. */
  private final boolean[] inFlight;

  private int resumed;

  SubmissionProgressTracker(List<MeteringRecord> records) {
    this.records = records;
    this.results = new RecordResult[records.size()];
    this.fateUnknown = new boolean[records.size()];
    this.inFlight = new boolean[records.size()];
  }

  /**
   * Takes what earlier attempts knew: {@code progress} is the last heartbeat the server recorded
   * (null: none), {@code retry} whether this is not the first attempt. Each final result is matched
   * to one record of this request (UNCONFIRMED results are not final). On a retry, unless those
   * details are the ones an attempt left as it {@linkplain SubmissionProgress#ended() ended}, every
   * record still without a final result is of unknown fate: the earlier attempt may have sent it
   * and died (kill -9) before a heartbeat saying so reached the server. CloudTrail then decides,
   * rather than the record being taken for certainly refused and its usage carried while AWS may
   * have billed it.
   */
  void restore(SubmissionProgress progress, boolean retry) {
    if (progress != null) {
      restoreResults(progress);
    }
    if (retry && (progress == null || !progress.ended())) {
      for (int i = 0; i < results.length; i++) {
        if (results[i] == null) {
          fateUnknown[i] = true;
        }
      }
    }
  }

  private void restoreResults(SubmissionProgress progress) {
    Map<MeteringRecord, Deque<Integer>> indexOf = new HashMap<>();
    for (int i = 0; i < records.size(); i++) {
      indexOf.computeIfAbsent(records.get(i), r -> new ArrayDeque<>()).add(i);
    }
    for (RecordResult done : progress.finalResults()) {
      Deque<Integer> candidates = done == null ? null : indexOf.get(done.record());
      if (candidates == null || candidates.isEmpty() || done.status() == RecordStatus.UNCONFIRMED) {
        continue;
      }
      results[candidates.poll()] = done;
      resumed++;
    }
    Map<MeteringRecord, Deque<Integer>> unknownIndexOf = new HashMap<>();
    for (int i = 0; i < records.size(); i++) {
      unknownIndexOf.computeIfAbsent(records.get(i), r -> new ArrayDeque<>()).add(i);
    }
    for (MeteringRecord unknown : progress.fateUnknown()) {
      Deque<Integer> candidates = unknownIndexOf.get(unknown);
      if (candidates != null && !candidates.isEmpty()) {
        fateUnknown[candidates.poll()] = true;
      }
    }
  }

  /** These records are about to be sent: until the send ends, their fate is unknown. */
  void sending(List<Integer> indices) {
    indices.forEach(i -> inFlight[i] = true);
  }

  /**
   * AWS certainly did not accept this record in the send under way: when the send ends, its fate is
   * not unknown on that send's account (an earlier attempt's unknown fate stays).
   */
  void notSent(int index) {
    inFlight[index] = false;
  }

  /**
   * The send ended; {@code failure} (null: none) decides whether the records still without a final
   * result may have been processed by AWS.
   */
  void sendEnded(Throwable failure) {
    boolean unknown =
        failure != null
            && !dev.hourmeter.activities.batching.SendFailureFate.certainlyNotProcessed(failure);
    for (int i = 0; i < inFlight.length; i++) {
      if (inFlight[i] && results[i] == null && unknown) {
        fateUnknown[i] = true;
      }
      inFlight[i] = false;
    }
  }

  /** Indices of the records without a final result, in order. */
  List<Integer> pending() {
    List<Integer> pending = new ArrayList<>();
    for (int i = 0; i < results.length; i++) {
      if (results[i] == null) {
        pending.add(i);
      }
    }
    return pending;
  }

  MeteringRecord record(int index) {
    return records.get(index);
  }

  void finalResult(int index, RecordResult result) {
    results[index] = result;
  }

  /** The heartbeat details: the final results so far (the attempt goes on). */
  SubmissionProgress snapshot() {
    return snapshot(false);
  }

  /**
   * The details an attempt leaves as it fails, after its send ended ({@link
   * SubmissionProgress#ended()}).
   */
  SubmissionProgress endedSnapshot() {
    return snapshot(true);
  }

  private SubmissionProgress snapshot(boolean ended) {
    List<RecordResult> done = new ArrayList<>();
    for (RecordResult r : results) {
      if (r != null) {
        done.add(r);
      }
    }
    List<MeteringRecord> unknown = new ArrayList<>();
    boolean inFlightNow = false;
    for (int i = 0; i < results.length; i++) {
      if (results[i] == null && (fateUnknown[i] || inFlight[i])) {
        unknown.add(records.get(i));
      }
      inFlightNow |= inFlight[i];
    }
    return new SubmissionProgress(done, unknown, ended && !inFlightNow);
  }

  /** Every result, in request order (null where none). */
  List<RecordResult> results() {
    return Arrays.asList(results.clone());
  }

  int size() {
    return records.size();
  }

  int resumed() {
    return resumed;
  }

  boolean allSucceeded() {
    return Arrays.stream(results).allMatch(r -> r != null && r.status() == RecordStatus.SUCCESS);
  }

  int finalCount() {
    int n = 0;
    for (RecordResult r : results) {
      if (r != null) {
        n++;
      }
    }
    return n;
  }

  /** {@code "n of m records final so far"}. */
  String finalSoFar() {
    return finalCount() + " of " + records.size() + " records final so far";
  }

  Map<RecordStatus, Integer> countsByStatus() {
    Map<RecordStatus, Integer> counts = new EnumMap<>(RecordStatus.class);
    for (RecordResult r : results) {
      if (r != null) {
        counts.merge(r.status(), 1, Integer::sum);
      }
    }
    return counts;
  }

  String customers() {
    Set<String> customers = new LinkedHashSet<>();
    records.forEach(r -> customers.add(r.customer().value()));
    return abbreviate(customers);
  }

  String periods() {
    Set<String> periods = new LinkedHashSet<>();
    records.stream()
        .map(MeteringRecord::timestamp)
        .sorted()
        .forEach(t -> periods.add(t.toString()));
    return abbreviate(periods);
  }

  private static String abbreviate(Set<String> values) {
    if (values.size() <= 3) {
      return String.join(",", values);
    }
    return String.join(",", values.stream().limit(3).toList()) + ",... (" + values.size() + ")";
  }
}
