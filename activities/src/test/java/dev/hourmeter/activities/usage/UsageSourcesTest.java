package dev.hourmeter.activities.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class UsageSourcesTest {

  @Test
  void noneAndBlankMeanNoUsage() {
    assertThat(UsageSources.fromConfig("none")).isSameAs(NoUsageSource.INSTANCE);
    assertThat(UsageSources.fromConfig(" NONE ")).isSameAs(NoUsageSource.INSTANCE);
    assertThat(UsageSources.fromConfig("")).isSameAs(NoUsageSource.INSTANCE);
    assertThat(UsageSources.fromConfig(null)).isSameAs(NoUsageSource.INSTANCE);
  }

  @Test
  void fileSpecsBecomeJsonLinesSources() {
    assertThat(UsageSources.fromConfig("file:/var/lib/hourmeter/usage.jsonl"))
        .isInstanceOfSatisfying(
            JsonLinesUsageSource.class,
            s -> assertThat(s.file()).isEqualTo(Path.of("/var/lib/hourmeter/usage.jsonl")));
    assertThat(UsageSources.fromConfig("file:///tmp/u.jsonl"))
        .isInstanceOfSatisfying(
            JsonLinesUsageSource.class,
            s -> assertThat(s.file()).isEqualTo(Path.of("/tmp/u.jsonl")));
    assertThat(UsageSources.fromConfig("file:usage.jsonl"))
        .isInstanceOfSatisfying(
            JsonLinesUsageSource.class,
            s -> assertThat(s.file()).isEqualTo(Path.of("usage.jsonl")));
    assertThat(UsageSources.fromConfig("file:/x.jsonl").describe()).isEqualTo("file:/x.jsonl");
  }

  @Test
  void aRetentionMayFollowThePath() {
    assertThat(UsageSources.fromConfig("file:/x.jsonl"))
        .isInstanceOfSatisfying(
            JsonLinesUsageSource.class,
            s -> assertThat(s.retention()).isEqualTo(Duration.ofHours(25)));
    assertThat(UsageSources.fromConfig("file:/x.jsonl?retention=PT48H"))
        .isInstanceOfSatisfying(
            JsonLinesUsageSource.class,
            s -> {
              assertThat(s.retention()).isEqualTo(Duration.ofHours(48));
              assertThat(s.file()).isEqualTo(Path.of("/x.jsonl"));
            });
    assertThatThrownBy(() -> UsageSources.fromConfig("--usage-source", "file:/x?retention=PT0S"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--usage-source")
        .hasMessageContaining("PT0S");
  }

  @Test
  void badSpecsNameTheOption() {
    assertThatThrownBy(() -> UsageSources.fromConfig("--usage-source", "kafka://topic"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--usage-source")
        .hasMessageContaining("kafka://topic");
    assertThatThrownBy(() -> UsageSources.fromConfig("HOURMETER_USAGE_SOURCE", "file:"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("HOURMETER_USAGE_SOURCE");
    assertThatThrownBy(() -> UsageSources.fromConfig("/just/a/path"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(UsageSources.DEFAULT_OPTION);
  }
}
