package dev.hourmeter.devtools.bench;

import dev.hourmeter.workflows.model.api.CustomerId;

/**
 * The benchmark's customers: legacy identifiers {@code bench-<i>}, or, licensed (Concurrent
 * Agreements), two licenses per 12-digit AWS account: customers 1 and 2 are two licenses of one
 * account, 3 and 4 of the next, and so on.
 */
final class BenchCustomers {

  private static final long FIRST_ACCOUNT = 100_000_000_000L;

  private BenchCustomers() {}

  /** Customer {@code i} (1-based). */
  static CustomerId customer(int i, boolean licensed) {
    if (!licensed) {
      return CustomerId.parse("bench-" + i);
    }
    String account = Long.toString(FIRST_ACCOUNT + (i + 1) / 2);
    return CustomerId.licensed(
        account,
        "arn:aws:license-manager::" + account + ":license/l-bench" + String.format("%08d", i));
  }
}
