package dev.hourmeter.activities.batching;

import dev.hourmeter.activities.aws.MarketplaceCallException;
import dev.hourmeter.workflows.model.activity.RecordResult;
import java.util.ArrayList;
import java.util.List;

/**
 * What became of a batch sent by the {@link BisectingBatchSender}. {@code results[i]} is the final
 * result of record {@code i} or null; {@code unprocessed} lists the indices AWS left unprocessed;
 * {@code failure}, when not null, is the retryable error that stopped the batch and applies to
 * every other record without a final result.
 */
public final class BatchResult {
  final RecordResult[] results;
  final List<Integer> unprocessed = new ArrayList<>();
  MarketplaceCallException failure;
  int calls;

  BatchResult(int size) {
    results = new RecordResult[size];
  }

  public RecordResult result(int index) {
    return results[index];
  }

  public List<Integer> unprocessed() {
    return unprocessed;
  }

  public MarketplaceCallException failure() {
    return failure;
  }

  /** Indices neither final nor unprocessed: those the retryable {@link #failure()} applies to. */
  public List<Integer> failed() {
    List<Integer> failed = new ArrayList<>();
    for (int i = 0; i < results.length; i++) {
      if (results[i] == null && !unprocessed.contains(i)) {
        failed.add(i);
      }
    }
    return failed;
  }

  public int calls() {
    return calls;
  }
}
