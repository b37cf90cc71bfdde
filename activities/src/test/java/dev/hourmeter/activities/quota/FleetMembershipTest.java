package dev.hourmeter.activities.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FleetMembershipTest {

  private static final Duration STALE_AFTER = Duration.ofSeconds(45);
  private static final Duration SETTLE = Duration.ofSeconds(13);

  private final FakeTime time = new FakeTime();
  private final Map<String, Instant> pollers = new HashMap<>();

  private FleetMembership member(String self) {
    return new FleetMembership(self, STALE_AFTER, SETTLE, time);
  }

  private void polled(String identity, Duration ago) {
    pollers.put(identity, time.instant().minus(ago));
  }

  @Test
  void aWorkerAloneTakesItsShareAtOnceListedOrNot() {
    FleetMembership b = member("200@b");
    assertThat(b.update(pollers)).isEqualTo(FleetView.ALONE);
    polled("200@b", Duration.ZERO);
    assertThat(b.update(pollers)).isEqualTo(FleetView.ALONE);
    assertThat(b.listed()).isTrue();
  }

  @Test
  void aNewcomerWaitsUntilEveryOtherWorkerHasLookedAfterTheServerListedIt() {
    polled("100@a", Duration.ofSeconds(30)); // idle in its long poll: still live
    polled("300@c", Duration.ofSeconds(2));
    FleetMembership b = member("200@b");

    FleetView before = b.update(pollers);
    assertThat(before.workers()).isEqualTo(3);
    assertThat(before.rank()).isEqualTo(1);
    assertThat(before.joiningFor())
        .as("not listed yet: at least the whole delay")
        .isEqualTo(SETTLE);

    time.advanceSeconds(2);
    polled("200@b", Duration.ofMillis(500));
    assertThat(b.update(pollers).joiningFor()).isEqualTo(SETTLE);
    time.advanceSeconds(10);
    assertThat(b.update(pollers).joiningFor()).isEqualTo(Duration.ofSeconds(3));
    time.advanceSeconds(3);
    assertThat(b.update(pollers).joining()).isFalse();
    time.advanceSeconds(10);
    polled("100@a", Duration.ZERO);
    polled("200@b", Duration.ZERO);
    assertThat(b.update(pollers)).isEqualTo(new FleetView(3, 1, Duration.ZERO));
  }

  @Test
  void anIncumbentCountsANewcomerAtOnceAndADeadWorkerAfterItsLastPollIsStale() {
    FleetMembership a = member("100@a");
    polled("100@a", Duration.ZERO);
    assertThat(a.update(pollers)).isEqualTo(FleetView.ALONE);

    polled("300@c", Duration.ZERO);
    polled("200@b", Duration.ZERO);
    assertThat(a.update(pollers)).isEqualTo(new FleetView(3, 0, Duration.ZERO));

    // c is killed: its last access stays where it was, a keeps polling.
    for (int s = 10; s <= 40; s += 10) {
      time.advanceSeconds(10);
      polled("100@a", Duration.ZERO);
      polled("200@b", Duration.ofSeconds(5));
      assertThat(a.update(pollers).workers()).as("%d s after c's last poll", s).isEqualTo(3);
    }
    time.advanceSeconds(5);
    assertThat(a.update(pollers).workers()).as("45 s: still counted").isEqualTo(3);
    time.advanceSeconds(1);
    assertThat(a.update(pollers)).isEqualTo(new FleetView(2, 0, Duration.ZERO));
    assertThat(a.live()).containsExactly("100@a", "200@b");
  }

  @Test
  void workersStartedTogetherBothJoinOnceTheySeeEachOther() {
    FleetMembership a = member("100@a");
    FleetMembership b = member("200@b");
    assertThat(a.update(pollers)).isEqualTo(FleetView.ALONE);
    assertThat(b.update(pollers)).isEqualTo(FleetView.ALONE);

    time.advanceSeconds(2);
    polled("100@a", Duration.ZERO);
    polled("200@b", Duration.ZERO);
    assertThat(a.update(pollers).joiningFor()).isEqualTo(SETTLE);
    assertThat(b.update(pollers).joiningFor()).isEqualTo(SETTLE);
  }

  @Test
  void aWorkerTheServerForgetsJoinsAgain() {
    FleetMembership a = member("100@a");
    polled("100@a", Duration.ZERO);
    polled("200@b", Duration.ZERO);
    a.update(pollers);
    time.advanceSeconds(20);
    polled("100@a", Duration.ZERO);
    polled("200@b", Duration.ZERO);
    assertThat(a.update(pollers).joining()).isFalse();

    pollers.clear(); // a Temporal restart: no poller history
    polled("200@b", Duration.ZERO);
    assertThat(a.update(pollers).joiningFor()).isEqualTo(SETTLE);
  }
}
