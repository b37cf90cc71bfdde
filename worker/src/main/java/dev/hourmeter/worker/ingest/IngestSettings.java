package dev.hourmeter.worker.ingest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The HTTP ingest API ({@code POST /v1/usage}).
 *
 * @param enabled off by default; on in {@code dev}
 * @param bindAddress where it listens (127.0.0.1 by default)
 * @param port its port (0: any free one)
 * @param tokens the bearer tokens it accepts (at least one when enabled); a tokens file's are
 *     re-read when it changes
 * @param maxConcurrent how many requests may be delivering usage to Temporal at once; more are
 *     answered 429 with Retry-After
 * @param readTimeout how long a request may take to send its body
 * @param keystore a PKCS12 keystore to serve HTTPS with; null for plain HTTP
 * @param keystorePassword its password (never logged); null without a keystore
 */
public record IngestSettings(
    boolean enabled,
    String bindAddress,
    int port,
    IngestTokenSource tokens,
    int maxConcurrent,
    Duration readTimeout,
    Path keystore,
    String keystorePassword) {

  public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
  public static final int DEFAULT_PORT = 8089;
  public static final int DEFAULT_MAX_CONCURRENT = 8;
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);

  public IngestSettings {
    Objects.requireNonNull(bindAddress, "bindAddress");
    Objects.requireNonNull(tokens, "tokens");
    Objects.requireNonNull(readTimeout, "readTimeout");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
    if (maxConcurrent < 1) {
      throw new IllegalArgumentException("maxConcurrent must be >= 1, got " + maxConcurrent);
    }
  }

  /** Settings for tests and {@code dev}: plain HTTP, the defaults otherwise. */
  public static IngestSettings plain(String bindAddress, int port, IngestTokenSource tokens) {
    return new IngestSettings(
        true, bindAddress, port, tokens, DEFAULT_MAX_CONCURRENT, DEFAULT_READ_TIMEOUT, null, null);
  }

  public IngestSettings withMaxConcurrent(int max) {
    return new IngestSettings(
        enabled, bindAddress, port, tokens, max, readTimeout, keystore, keystorePassword);
  }

  @Override
  public String toString() {
    return "IngestSettings[enabled="
        + enabled
        + ", bind="
        + bindAddress
        + ":"
        + port
        + ", "
        + tokens
        + ", maxConcurrent="
        + maxConcurrent
        + ", readTimeout="
        + readTimeout
        + ", tls="
        + (keystore == null ? "off" : keystore)
        + "]";
  }
}
