package dev.hourmeter.workflows.model.api;

import java.util.List;

/**
 * What the {@code reportUsageBatch} update answers: one receipt per report, in the batch's order.
 * (A record rather than a bare list: a typed update stub reads its result by the method's class,
 * losing a list's element type.)
 */
public record UsageBatchReceipts(List<UsageBatchReceipt> receipts) {

  public UsageBatchReceipts {
    receipts = receipts == null ? List.of() : List.copyOf(receipts);
  }
}
