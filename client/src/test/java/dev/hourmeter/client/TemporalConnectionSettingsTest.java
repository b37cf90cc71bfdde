package dev.hourmeter.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourmeter.workflows.TaskQueues;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemporalConnectionSettingsTest {

  private static TemporalConnectionSettings env(Map<String, String> env) {
    return TemporalConnectionSettings.resolve(null, null, null, null, null, null, null, env);
  }

  @Test
  void defaults() {
    TemporalConnectionSettings s = env(Map.of());
    assertThat(s.address()).isEqualTo("127.0.0.1:7233");
    assertThat(s.namespace()).isEqualTo("default");
    assertThat(s.taskQueue()).isEqualTo(TaskQueues.METERING);
    assertThat(s.apiKey()).isNull();
    assertThat(s.tls()).isFalse();
    assertThat(s.tlsCert()).isNull();
    assertThat(s.tlsKey()).isNull();
  }

  @Test
  void environment() {
    TemporalConnectionSettings s =
        env(
            Map.of(
                "TEMPORAL_ADDRESS", " ns.acct.tmprl.cloud:7233 ",
                "TEMPORAL_NAMESPACE", "ns.acct",
                "HOURMETER_TASK_QUEUE", "q",
                "TEMPORAL_TLS_CERT", "/certs/client.pem",
                "TEMPORAL_TLS_KEY", "/certs/client.key"));
    assertThat(s.address()).isEqualTo("ns.acct.tmprl.cloud:7233");
    assertThat(s.namespace()).isEqualTo("ns.acct");
    assertThat(s.taskQueue()).isEqualTo("q");
    assertThat(s.tlsCert()).isEqualTo(Path.of("/certs/client.pem"));
    assertThat(s.tlsKey()).isEqualTo(Path.of("/certs/client.key"));
    assertThat(s.tls()).as("a client certificate implies TLS").isTrue();
  }

  @Test
  void blankEnvironmentValuesCountAsUnset() {
    TemporalConnectionSettings s =
        env(Map.of("TEMPORAL_ADDRESS", " ", "TEMPORAL_API_KEY", "", "TEMPORAL_TLS", ""));
    assertThat(s.address()).isEqualTo(TemporalConnectionSettings.DEFAULT_ADDRESS);
    assertThat(s.apiKey()).isNull();
    assertThat(s.tls()).isFalse();
  }

  @Test
  void flagsOverrideEnvironment() {
    Map<String, String> env =
        Map.of(
            "TEMPORAL_ADDRESS",
            "env:7233",
            "TEMPORAL_NAMESPACE",
            "env-ns",
            "HOURMETER_TASK_QUEUE",
            "env-q",
            "TEMPORAL_API_KEY",
            "env-key",
            "TEMPORAL_TLS",
            "true",
            "TEMPORAL_TLS_CERT",
            "/env/cert.pem",
            "TEMPORAL_TLS_KEY",
            "/env/key.pem");
    TemporalConnectionSettings s =
        TemporalConnectionSettings.resolve(
            "flag:7233",
            "flag-ns",
            "flag-q",
            "flag-key",
            false,
            Path.of("/flag/cert.pem"),
            Path.of("/flag/key.pem"),
            env);
    assertThat(s.address()).isEqualTo("flag:7233");
    assertThat(s.namespace()).isEqualTo("flag-ns");
    assertThat(s.taskQueue()).isEqualTo("flag-q");
    assertThat(s.apiKey()).isEqualTo("flag-key");
    assertThat(s.tls()).isFalse();
    assertThat(s.tlsCert()).isEqualTo(Path.of("/flag/cert.pem"));
    assertThat(s.tlsKey()).isEqualTo(Path.of("/flag/key.pem"));
  }

  @Test
  void blankFlagsFallBackToEnvironment() {
    TemporalConnectionSettings s =
        TemporalConnectionSettings.resolve(
            " ",
            "",
            null,
            null,
            null,
            null,
            null,
            Map.of("TEMPORAL_ADDRESS", "env:7233", "TEMPORAL_NAMESPACE", "env-ns"));
    assertThat(s.address()).isEqualTo("env:7233");
    assertThat(s.namespace()).isEqualTo("env-ns");
  }

  @Test
  void apiKeyTurnsTlsOnUnlessSaidOtherwise() {
    assertThat(env(Map.of("TEMPORAL_API_KEY", "k")).tls()).isTrue();
    assertThat(
            TemporalConnectionSettings.resolve(null, null, null, "k", null, null, null, Map.of())
                .tls())
        .isTrue();
    assertThat(env(Map.of("TEMPORAL_API_KEY", "k", "TEMPORAL_TLS", "false")).tls()).isFalse();
    assertThat(
            TemporalConnectionSettings.resolve(null, null, null, "k", false, null, null, Map.of())
                .tls())
        .isFalse();
    assertThat(env(Map.of("TEMPORAL_TLS", "TRUE")).tls()).isTrue();
  }

  @Test
  void badValuesNameTheFlagAndVariable() {
    assertThatThrownBy(() -> env(Map.of("TEMPORAL_TLS_CERT", "/c.pem")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--tls-cert")
        .hasMessageContaining("--tls-key")
        .hasMessageContaining("TEMPORAL_TLS_CERT")
        .hasMessageContaining("TEMPORAL_TLS_KEY");
    assertThatThrownBy(
            () ->
                TemporalConnectionSettings.resolve(
                    null, null, null, null, null, null, Path.of("/k.pem"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--tls-cert and --tls-key");
    assertThatThrownBy(() -> env(Map.of("TEMPORAL_TLS", "yes")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TEMPORAL_TLS")
        .hasMessageContaining("'yes'");
    assertThatThrownBy(
            () -> env(Map.of("TEMPORAL_TLS_KEY", "bad\0path", "TEMPORAL_TLS_CERT", "/c.pem")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TEMPORAL_TLS_KEY");
    assertThatThrownBy(() -> TemporalConnectionSettings.local(" ", "default", "q"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--address")
        .hasMessageContaining("TEMPORAL_ADDRESS");
  }

  @Test
  void toStringNeverPrintsTheKey() {
    String secret = "tmprl-secret-key-123";
    TemporalConnectionSettings s =
        TemporalConnectionSettings.resolve(
            null, null, null, secret, null, Path.of("/c.pem"), Path.of("/k.pem"), Map.of());
    assertThat(s.apiKey()).isEqualTo(secret);
    assertThat(s.toString())
        .doesNotContain(secret)
        .contains("apiKey=***")
        .contains("tls=true")
        .contains("tlsCert=/c.pem");
    assertThat(env(Map.of("TEMPORAL_API_KEY", secret)).toString()).doesNotContain(secret);
    assertThat(env(Map.of()).toString()).contains("apiKey=none");
  }

  @Test
  void localIsPlainText() {
    TemporalConnectionSettings s =
        TemporalConnectionSettings.local("127.0.0.1:7234", "default", "q");
    assertThat(s.tls()).isFalse();
    assertThat(s.apiKey()).isNull();
    assertThat(s.address()).isEqualTo("127.0.0.1:7234");
  }
}
