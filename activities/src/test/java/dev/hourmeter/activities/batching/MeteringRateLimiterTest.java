package dev.hourmeter.activities.batching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MeteringRateLimiterTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  @Test
  void permitsAreSpacedByTheGuardedInterval() {
    MeteringRateLimiter limiter = new MeteringRateLimiter(10, 1, 1.10, now::get);
    assertThat(limiter.reserve()).isZero();
    assertThat(limiter.reserve()).isEqualTo(110_000_000L);
    assertThat(limiter.reserve()).isEqualTo(220_000_000L);
    now.addAndGet(1_000_000_000L);
    assertThat(limiter.reserve()).as("idle again: no wait").isZero();
  }

  @Test
  void aBurstLetsSeveralGoAtOnceThenPaces() {
    MeteringRateLimiter limiter = new MeteringRateLimiter(10, 3, 1.0, now::get);
    assertThat(limiter.reserve()).isZero();
    assertThat(limiter.reserve()).isZero();
    assertThat(limiter.reserve()).isZero();
    assertThat(limiter.reserve()).isEqualTo(100_000_000L);
  }

  @Test
  void theWindowWaitsForTheCallTenBackToHaveEndedOneSecondAgo() throws Exception {
    MeteringRateLimiter limiter =
        new MeteringRateLimiter(1000, 1, 1.0, System::nanoTime); // window of 1000
    MeteringRateLimiter two = new MeteringRateLimiter(2.0);
    MeteringRateLimiter.Permit first = two.acquire();
    MeteringRateLimiter.Permit second = two.acquire();
    long start = System.nanoTime();
    Thread releaser =
        new Thread(
            () -> {
              try {
                Thread.sleep(300);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              first.release();
            });
    releaser.start();
    two.acquire().release();
    long waitedMillis = (System.nanoTime() - start) / 1_000_000;
    assertThat(waitedMillis).as("first ended after ~300 ms, +1 s").isBetween(1_200L, 3_000L);
    second.release();
    limiter.acquire().release();
  }

  @Test
  void theRateIsReadAtEveryPermitAndZeroHoldsPermits() {
    AtomicReference<Double> rate = new AtomicReference<>(5.0);
    MeteringRateLimiter limiter = new MeteringRateLimiter(rate::get, 1, 1.0, now::get);
    assertThat(limiter.reserve()).isZero();
    assertThat(limiter.reserve()).isEqualTo(200_000_000L);
    assertThat(limiter.windowCalls()).isEqualTo(5);

    rate.set(0.0);
    assertThat(limiter.reserve()).as("held: nothing reserved").isEqualTo(-1);
    assertThat(limiter.windowCalls()).isEqualTo(1);

    rate.set(10.0 / 3);
    assertThat(limiter.windowCalls()).as("floor(3.33)").isEqualTo(3);
    assertThat(limiter.reserve()).as("after the two reserved at 5/s").isEqualTo(400_000_000L);
    assertThat(limiter.reserve()).isEqualTo(700_000_000L);
  }

  @Test
  void aHeldLimiterLetsTheCallerGoOnceTheRateRises() throws Exception {
    AtomicReference<Double> rate = new AtomicReference<>(0.0);
    MeteringRateLimiter limiter = new MeteringRateLimiter(rate::get);
    Thread raiser =
        new Thread(
            () -> {
              try {
                Thread.sleep(500);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              rate.set(4.0);
            });
    long start = System.nanoTime();
    raiser.start();
    limiter.acquire().release();
    assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(450L);
    raiser.join();
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> new MeteringRateLimiter(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new MeteringRateLimiter(Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
