package dev.hourmeter.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingResolverTest {

  private static final Duration ONE_SECOND = Duration.ofSeconds(1);

  @Test
  void flagWinsOverVariableWhichWinsOverDefault() {
    SettingResolver env = new SettingResolver(Map.of("HOURMETER_LINGER", "PT2S"));
    assertThat(env.duration("--linger", "HOURMETER_LINGER", "PT3S", ONE_SECOND, Duration.ZERO))
        .isEqualTo(Duration.ofSeconds(3));
    assertThat(env.duration("--linger", "HOURMETER_LINGER", null, ONE_SECOND, Duration.ZERO))
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(
            new SettingResolver(Map.of())
                .duration("--linger", "HOURMETER_LINGER", null, ONE_SECOND, Duration.ZERO))
        .isEqualTo(ONE_SECOND);
  }

  @Test
  void blankValuesCountAsNotGiven() {
    SettingResolver env = new SettingResolver(Map.of("HOURMETER_METERING_TPS", "  "));
    assertThat(env.positive("--metering-tps", "HOURMETER_METERING_TPS", " ", 10.0)).isEqualTo(10.0);
    assertThat(env.string("--usage-source", "HOURMETER_USAGE_SOURCE", "", "none"))
        .isEqualTo("none");
  }

  @Test
  void eachFormatIsParsedOneWay() {
    SettingResolver env =
        new SettingResolver(
            Map.of(
                "B", "TRUE",
                "I", " 9464 ",
                "D", "2.5",
                "T", "pt1m",
                "P", "/etc/hourmeter/cert.pem",
                "U", "http://127.0.0.1:4599"));
    assertThat(env.bool("--b", "B", null, false)).isTrue();
    assertThat(env.bool("--b", "B", false, true)).isFalse();
    assertThat(env.optionalBool("--x", "X", null)).isNull();
    assertThat(env.integer("--i", "I", null, 0, 0, 65535)).isEqualTo(9464);
    assertThat(env.positive("--d", "D", null, 1)).isEqualTo(2.5);
    assertThat(env.positiveDuration("--t", "T", null, ONE_SECOND)).isEqualTo(Duration.ofMinutes(1));
    assertThat(env.path("--p", "P", null)).isEqualTo(Path.of("/etc/hourmeter/cert.pem"));
    assertThat(env.endpoint("--u", "U", null)).isEqualTo(URI.create("http://127.0.0.1:4599"));
    assertThat(env.endpoint("--v", "V", null)).isNull();
  }

  @Test
  void aBadFlagValueNamesTheFlag() {
    SettingResolver env = new SettingResolver(Map.of());
    assertThatThrownBy(
            () -> env.duration("--linger", "HOURMETER_LINGER", "1s", ONE_SECOND, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--linger: '1s' is not an ISO-8601 duration such as PT1S, PT5M or PT1H");
    assertThatThrownBy(
            () -> env.duration("--linger", "HOURMETER_LINGER", "-PT1S", ONE_SECOND, Duration.ZERO))
        .hasMessage("--linger: '-PT1S' must be at least PT0S");
    assertThatThrownBy(() -> env.positive("--metering-tps", "HOURMETER_METERING_TPS", "0", 10))
        .hasMessage("--metering-tps: '0' must be a number > 0");
    assertThatThrownBy(() -> env.integer("--metrics-port", "M", "70000", 0, 0, 65535))
        .hasMessage("--metrics-port: '70000' must be 0..65535");
    assertThatThrownBy(() -> env.integer("--metrics-port", "M", "x", 0, 0, 65535))
        .hasMessage("--metrics-port: 'x' is not a whole number");
    assertThatThrownBy(() -> env.endpoint("--metering-endpoint", "E", "localhost:4599"))
        .hasMessageStartingWith("--metering-endpoint: 'localhost:4599' must be an absolute");
    assertThatThrownBy(() -> SettingResolver.parseDuration("--period", "one hour"))
        .hasMessageStartingWith("--period: 'one hour' is not an ISO-8601 duration");
  }

  @Test
  void aBadVariableValueNamesTheVariableAndItsFlag() {
    SettingResolver env =
        new SettingResolver(Map.of("HOURMETER_VIRTUAL_THREADS", "yes", "HOURMETER_LINGER", "1s"));
    assertThatThrownBy(
            () -> env.bool("--virtual-threads", "HOURMETER_VIRTUAL_THREADS", null, false))
        .hasMessage("HOURMETER_VIRTUAL_THREADS (--virtual-threads): 'yes' must be true or false");
    assertThatThrownBy(
            () -> env.duration("--linger", "HOURMETER_LINGER", null, ONE_SECOND, Duration.ZERO))
        .hasMessageStartingWith("HOURMETER_LINGER (--linger): '1s' is not an ISO-8601 duration");
    // A valid flag hides a bad variable: the variable is not read.
    assertThat(env.duration("--linger", "HOURMETER_LINGER", "PT0S", ONE_SECOND, Duration.ZERO))
        .isZero();
  }
}
