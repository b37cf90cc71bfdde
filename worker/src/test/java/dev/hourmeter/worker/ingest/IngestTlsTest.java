package dev.hourmeter.worker.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hourmeter.client.usage.EventOutcome;
import dev.hourmeter.client.usage.UsageEvent;
import dev.hourmeter.worker.HourmeterMain;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * The ingest API over HTTPS with a keystore made at test time by the running JDK's {@code keytool}:
 * usage posted over TLS to a client that trusts only that certificate is answered; plain HTTP on
 * the TLS port gets no answer that reports usage; a wrong password or a missing file stops the
 * start with a message naming the flag and variable, the password in neither it nor the log.
 */
class IngestTlsTest {

  private static final String TOKEN = "tls-test-token-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One keystore for the class: each keytool run starts a JVM. */
  @TempDir static Path dir;

  private static final String PASSWORD = "ks-" + UUID.randomUUID();
  private static Path keystore;
  private static Path certificate;

  private final List<List<UsageEvent>> calls = Collections.synchronizedList(new ArrayList<>());
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private IngestServer server;

  @BeforeAll
  static void makeKeystore() throws Exception {
    keystore = dir.resolve("ingest.p12");
    certificate = dir.resolve("ingest.pem");
    keytool(
        "-genkeypair",
        "-alias",
        "ingest",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-validity",
        "2",
        "-dname",
        "CN=localhost",
        "-ext",
        "SAN=ip:127.0.0.1,dns:localhost",
        "-storetype",
        "PKCS12",
        "-keystore",
        keystore.toString(),
        "-storepass",
        PASSWORD);
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "ingest",
        "-keystore",
        keystore.toString(),
        "-storepass",
        PASSWORD,
        "-file",
        certificate.toString());
  }

  @BeforeEach
  void captureLogs() {
    logs.start();
    root.addAppender(logs);
  }

  @AfterEach
  void tearDown() {
    root.detachAppender(logs);
    if (server != null) {
      server.close();
    }
  }

  @Test
  void usageIsPostedOverTlsAndPlainHttpOnTheTlsPortReportsNothing() throws Exception {
    server = start(settings(keystore, PASSWORD));
    assertThat(server.usageUrl().getScheme()).isEqualTo("https");

    HttpClient https = HttpClient.newBuilder().sslContext(trusting(certificate)).build();
    HttpResponse<String> response =
        https.send(
            HttpRequest.newBuilder(server.usageUrl())
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", IngestParser.JSON)
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"events\": ["
                            + IngestParserTest.event("tls-1", "1")
                            + ","
                            + IngestParserTest.event("tls-2", "2")
                            + "]}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode answer = JSON.readTree(response.body());
    assertThat(answer.get("accepted").asInt()).isEqualTo(2);
    assertThat(answer.at("/events/1/id").asText()).isEqualTo("tls-2");
    assertThat(calls).hasSize(1);

    // The same request in plain HTTP on the TLS port: no HTTP answer, nothing reported.
    String body = "[" + IngestParserTest.event("plain-1", "1") + "]";
    String plain =
        "POST /v1/usage HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
            + TOKEN
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + body.length()
            + "\r\nConnection: close\r\n\r\n"
            + body;
    String reply = exchange(server.port(), plain);
    LoggerFactory.getLogger(IngestTlsTest.class)
        .info("plain HTTP on the TLS port answered {} byte(s)", reply.length());
    assertThat(reply).doesNotContain("HTTP/1.1 200").doesNotContain("accepted");
    assertThat(calls).hasSize(1);
  }

  @Test
  void aWrongPasswordStopsTheStartNamingTheVariableNotThePassword() {
    String wrong = "wrong-" + UUID.randomUUID();
    assertThatThrownBy(() -> start(settings(keystore, wrong)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--ingest-keystore (HOURMETER_INGEST_KEYSTORE)")
        .hasMessageContaining(keystore.toString())
        .hasMessageContaining("the password in HOURMETER_INGEST_KEYSTORE_PASSWORD does not open it")
        .hasMessageNotContaining(wrong)
        .hasMessageNotContaining(PASSWORD);
    assertThat(server).isNull();
    assertNoSecretLogged(wrong);
  }

  @Test
  void aMissingKeystoreStopsTheStartNamingTheFlag() {
    Path missing = dir.resolve("missing.p12");
    assertThatThrownBy(() -> start(settings(missing, PASSWORD)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--ingest-keystore (HOURMETER_INGEST_KEYSTORE)")
        .hasMessageContaining(missing + ": no such file")
        .hasMessageNotContaining(PASSWORD);
    assertNoSecretLogged(PASSWORD);
  }

  /** The worker exits 2 before anything starts, on its error stream the same message. */
  @Test
  void theWorkerRefusesABadKeystoreAtStartUp() {
    String wrong = "wrong-" + UUID.randomUUID();
    Map<String, String> env =
        Map.of(
            // Nothing listens there: were the keystore not checked first, the worker would stop
            // at the connection.
            "TEMPORAL_ADDRESS",
            "127.0.0.1:1",
            IngestOptions.ENV_TOKENS,
            TOKEN,
            IngestOptions.ENV_KEYSTORE,
            keystore.toString(),
            IngestOptions.ENV_KEYSTORE_PASSWORD,
            wrong);
    StringWriter err = new StringWriter();
    CommandLine cli = HourmeterMain.commandLine(env);
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute("worker", "--ingest", "--ingest-port", "0", "--connect-timeout", "PT1S");
    assertThat(code).as(err.toString()).isEqualTo(2);
    assertThat(err.toString())
        .contains("--ingest-keystore (HOURMETER_INGEST_KEYSTORE)")
        .contains("HOURMETER_INGEST_KEYSTORE_PASSWORD does not open it")
        .doesNotContain(wrong);
    assertNoSecretLogged(wrong);

    StringWriter missingErr = new StringWriter();
    CommandLine missing = HourmeterMain.commandLine(env);
    missing.setErr(new PrintWriter(missingErr, true));
    code =
        missing.execute(
            "worker",
            "--ingest",
            "--ingest-port",
            "0",
            "--connect-timeout",
            "PT1S",
            "--ingest-keystore",
            dir.resolve("none.p12").toString());
    assertThat(code).as(missingErr.toString()).isEqualTo(2);
    assertThat(missingErr.toString())
        .contains("--ingest-keystore (HOURMETER_INGEST_KEYSTORE)")
        .contains("none.p12: no such file");
  }

  private void assertNoSecretLogged(String secret) {
    assertThat(logs.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .noneMatch(m -> m.contains(secret) || m.contains(PASSWORD));
    assertThat(logs.list)
        .filteredOn(e -> e.getThrowableProxy() != null)
        .extracting(e -> e.getThrowableProxy().getMessage())
        .noneMatch(m -> m != null && (m.contains(secret) || m.contains(PASSWORD)));
  }

  private IngestSettings settings(Path file, String keystorePassword) {
    return new IngestSettings(
        true,
        "127.0.0.1",
        0,
        IngestTokens.parse(TOKEN, "test"),
        4,
        Duration.ofSeconds(5),
        file,
        keystorePassword);
  }

  private IngestServer start(IngestSettings settings) {
    return IngestServer.start(
        settings,
        events -> {
          calls.add(events);
          return events.stream().map(e -> EventOutcome.accepted(e.id())).toList();
        },
        new SimpleMeterRegistry());
  }

  /** A client context that trusts the one certificate in {@code pem}. */
  private static SSLContext trusting(Path pem) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(pem)) {
      trust.setCertificateEntry(
          "ingest", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }

  /** What the server sends back to {@code request} written on a plain TCP connection. */
  private static String exchange(int port, String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      ByteArrayOutputStream reply = new ByteArrayOutputStream();
      byte[] buffer = new byte[4096];
      try {
        for (int n; (n = socket.getInputStream().read(buffer)) >= 0; ) {
          reply.write(buffer, 0, n);
        }
      } catch (SocketTimeoutException | java.net.SocketException e) {
        // no answer, or the connection reset: both are fine
      }
      return reply.toString(StandardCharsets.ISO_8859_1);
    }
  }

  /** Runs the running JDK's keytool with {@code args}. */
  private static void keytool(String... args) throws Exception {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    List<String> command = new ArrayList<>(List.of(keytool.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
    assertThat(process.exitValue()).as("keytool %s: %s", args[0], output).isZero();
  }
}
