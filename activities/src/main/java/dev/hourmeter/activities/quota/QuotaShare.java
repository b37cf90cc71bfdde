package dev.hourmeter.activities.quota;

/**
 * How one AWS quota (calls per second per account and region) is split among the live workers that
 * share it: the arithmetic only.
 *
 * <p>While every worker gets at least one call per second ({@code workers <= quota}), each gets a
 * whole number: {@code floor(quota / workers)}, and the first {@code quota mod workers} ranks one
 * more, so that the allotments add up to the quota exactly (10 over 3 workers: 4, 3, 3). Whole
 * numbers matter: a limiter that allows {@code n} calls in any one-second window ({@link
 * dev.hourmeter.activities.batching.MeteringRateLimiter}) then keeps the fleet within the quota in
 * every second, not only on average. With more workers than calls ({@code workers > quota}) each
 * gets the fraction {@code quota / workers}: the average holds, single seconds may not. Each
 * allotment is capped by the worker's own {@code cap} (its {@code --metering-tps} or {@code
 * --cloudtrail-tps}); what a cap leaves unused is not handed to the others.
 */
public final class QuotaShare {

  private QuotaShare() {}

  /**
   * Calls per second for the worker of rank {@code rank} (0-based, its place among the fleet's
   * sorted identities) in a fleet of {@code workers}, of {@code quota}, at most {@code cap}.
   */
  public static double allotment(double quota, double cap, int workers, int rank) {
    if (!(quota > 0) || !(cap > 0)) {
      throw new IllegalArgumentException("quota and cap must be positive: " + quota + ", " + cap);
    }
    int n = Math.max(1, workers);
    int r = Math.min(Math.max(0, rank), n - 1);
    double share;
    double whole = Math.floor(quota / n);
    if (whole >= 1) {
      int extra = (int) Math.floor(quota - whole * n + 1e-9);
      share = whole + (r < extra ? 1 : 0);
    } else {
      share = quota / n;
    }
    return Math.min(cap, share);
  }
}
