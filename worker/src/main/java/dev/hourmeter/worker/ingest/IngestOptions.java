package dev.hourmeter.worker.ingest;

import dev.hourmeter.client.SettingResolver;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Flags of the HTTP ingest API in {@code worker} and {@code dev} (a picocli mixin). */
public final class IngestOptions {

  public static final String ENV_INGEST = "HOURMETER_INGEST";
  public static final String ENV_BIND = "HOURMETER_INGEST_BIND";
  public static final String ENV_PORT = "HOURMETER_INGEST_PORT";
  public static final String ENV_TOKENS_FILE = "HOURMETER_INGEST_TOKENS_FILE";
  public static final String ENV_TOKENS = "HOURMETER_INGEST_TOKENS";
  public static final String ENV_MAX_CONCURRENT = "HOURMETER_INGEST_MAX_CONCURRENT";
  public static final String ENV_READ_TIMEOUT = "HOURMETER_INGEST_READ_TIMEOUT";
  public static final String ENV_KEYSTORE = "HOURMETER_INGEST_KEYSTORE";
  public static final String ENV_KEYSTORE_PASSWORD = "HOURMETER_INGEST_KEYSTORE_PASSWORD";

  @Option(
      names = "--ingest",
      negatable = true,
      description =
          "Serve the HTTP ingest API, POST /v1/usage (env "
              + ENV_INGEST
              + "=true|false, default off in worker, on in dev; needs a token).")
  Boolean ingest;

  @Option(
      names = "--ingest-bind",
      paramLabel = "ADDRESS",
      description = "Address the ingest API listens on (env " + ENV_BIND + ", default 127.0.0.1).")
  String bind;

  @Option(
      names = "--ingest-port",
      paramLabel = "PORT",
      description = "Port of the ingest API (env " + ENV_PORT + ", default 8089).")
  String port;

  @Option(
      names = "--ingest-tokens-file",
      paramLabel = "FILE",
      description =
          "Bearer tokens the ingest API accepts, one per line: TOKEN or TOKEN products=P1,P2 (env "
              + ENV_TOKENS_FILE
              + "; tokens may also come from "
              + ENV_TOKENS
              + ", entries separated by ';'). Re-read when it changes (looked at once a second at"
              + " most): tokens are rotated without a restart.")
  String tokensFile;

  @Option(
      names = "--ingest-max-concurrent",
      paramLabel = "N",
      description =
          "Requests delivering usage to Temporal at once; more are answered 429 with Retry-After"
              + " (env "
              + ENV_MAX_CONCURRENT
              + ", default 8).")
  String maxConcurrent;

  @Option(
      names = "--ingest-read-timeout",
      paramLabel = "DURATION",
      description =
          "How long a request may take to send its body (env "
              + ENV_READ_TIMEOUT
              + ", default PT10S).")
  String readTimeout;

  @Option(
      names = "--ingest-keystore",
      paramLabel = "FILE",
      description =
          "Serve HTTPS with this PKCS12 keystore; its password from "
              + ENV_KEYSTORE_PASSWORD
              + " (env "
              + ENV_KEYSTORE
              + ", default plain HTTP).")
  String keystore;

  /**
   * The settings; {@code enabledByDefault} is the command's default ({@code dev}: on), {@code
   * extraToken} a token the command made up itself ({@code dev}; null for none).
   *
   * @throws IllegalArgumentException when enabled without any token, or a setting is bad
   */
  public IngestSettings resolve(
      SettingResolver settings, boolean enabledByDefault, String extraToken) {
    boolean enabled = settings.bool("--ingest", ENV_INGEST, ingest, enabledByDefault);
    String address =
        settings.string("--ingest-bind", ENV_BIND, bind, IngestSettings.DEFAULT_BIND_ADDRESS);
    int portNumber =
        settings.integer("--ingest-port", ENV_PORT, port, IngestSettings.DEFAULT_PORT, 0, 65535);
    int max =
        settings.integer(
            "--ingest-max-concurrent",
            ENV_MAX_CONCURRENT,
            maxConcurrent,
            IngestSettings.DEFAULT_MAX_CONCURRENT,
            1,
            1024);
    Duration timeout =
        settings.positiveDuration(
            "--ingest-read-timeout",
            ENV_READ_TIMEOUT,
            readTimeout,
            IngestSettings.DEFAULT_READ_TIMEOUT);
    Path keystorePath = settings.path("--ingest-keystore", ENV_KEYSTORE, keystore);
    String password =
        keystorePath == null
            ? null
            : settings.string(ENV_KEYSTORE_PASSWORD, ENV_KEYSTORE_PASSWORD, null, "");
    if (enabled && keystorePath != null) {
      // Checked before anything starts: a keystore that cannot be used stops the start (exit 2).
      IngestKeystore.serverContext(keystorePath, password);
    }
    IngestTokenSource tokens = IngestTokens.parse("", "none");
    if (enabled) {
      tokens = tokens(settings, extraToken);
      if (tokens.current().isEmpty()) {
        throw new IllegalArgumentException(
            "--ingest: needs at least one bearer token (--ingest-tokens-file or "
                + ENV_TOKENS
                + ")");
      }
    }
    return new IngestSettings(
        enabled, address, portNumber, tokens, max, timeout, keystorePath, password);
  }

  /** The tokens of the variable and {@code extraToken}, and the file's, re-read as it changes. */
  private IngestTokenSource tokens(SettingResolver settings, String extraToken) {
    String variable = settings.string(ENV_TOKENS, ENV_TOKENS, null, null);
    IngestTokens others =
        IngestTokens.of(
            variable == null ? null : IngestTokens.parse(variable, ENV_TOKENS),
            extraToken == null ? null : IngestTokens.parse(extraToken, "dev"));
    Path file = settings.path("--ingest-tokens-file", ENV_TOKENS_FILE, tokensFile);
    return file == null ? others : IngestTokenFile.load(file, others);
  }
}
