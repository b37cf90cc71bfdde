package dev.hourmeter.activities.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffPolicyTest {

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  @Test
  void withoutJitterItDoublesFromTheInitialDelayUpToTheCap() {
    BackoffPolicy policy = BackoffPolicy.doubling(ms(200), ms(1000));

    assertThat(IntStream.range(0, 6).mapToObj(policy::delay))
        .containsExactly(ms(200), ms(400), ms(800), ms(1000), ms(1000), ms(1000));
    assertThat(policy.delay(-3)).as("a negative retry counts as the first").isEqualTo(ms(200));
    assertThat(policy.delay(Integer.MAX_VALUE)).as("no overflow").isEqualTo(ms(1000));
  }

  @Test
  void jitterSpreadsTheDelayAroundTheExponentialValueAndNeverAboveTheCap() {
    BackoffPolicy policy = new BackoffPolicy(ms(1000), ms(30_000), 0.5);

    assertThat(policy.delay(0, 0.0)).isEqualTo(ms(500));
    assertThat(policy.delay(0, 0.5)).isEqualTo(ms(1000));
    assertThat(policy.delay(2, 0.75)).isEqualTo(ms(5000));
    assertThat(policy.delay(5, 0.0)).as("capped, then jittered down").isEqualTo(ms(15_000));
    assertThat(policy.delay(5, 0.99)).as("jitter never exceeds the cap").isEqualTo(ms(30_000));
    for (int i = 0; i < 1000; i++) {
      assertThat(policy.delay(1)).isBetween(ms(1000), ms(3000));
    }
  }

  @Test
  void aZeroInitialDelayNeverWaits() {
    BackoffPolicy policy = new BackoffPolicy(Duration.ZERO, Duration.ZERO, 0.25);

    assertThat(policy.delay(0)).isZero();
    assertThat(policy.delay(10)).isZero();
  }

  @Test
  void rejectsNegativeDurationsAndJitterOutsideZeroToOne() {
    assertThatThrownBy(() -> new BackoffPolicy(ms(-1), ms(10), 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BackoffPolicy(ms(1), ms(-10), 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BackoffPolicy(ms(1), ms(10), 1.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jitter");
    assertThatThrownBy(() -> new BackoffPolicy(ms(1), ms(10), -0.1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
