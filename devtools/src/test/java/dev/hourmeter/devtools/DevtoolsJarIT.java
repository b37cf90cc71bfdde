package dev.hourmeter.devtools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.deploy.ShadedJar;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The devtools jar ({@code target/hourmeter-devtools.jar}, built by {@code package} before this
 * runs) offers every command of the worker jar plus {@code dev}, {@code bench} and {@code
 * simulator}, and carries what they run.
 */
class DevtoolsJarIT {

  static final ShadedJar JAR =
      new ShadedJar(Path.of("target", "hourmeter-devtools.jar").toAbsolutePath());

  @Test
  void itsMainOffersTheWorkerJarsCommandsAndTheDevTools() throws Exception {
    assertThat(JAR.commands())
        .containsExactlyInAnyOrder("worker", "help", "dev", "bench", "simulator");
    assertThat(JAR.run("dev", "--help")).contains("embedded-temporal", "--sqs-port");
    assertThat(JAR.run("bench", "--help")).contains("--customers", "--tag-sets");
    assertThat(JAR.run("simulator", "--help")).contains("--auto-subscribe");
    assertThat(JAR.run("worker", "--help")).contains("--intake-queue");
  }

  @Test
  void carriesTheSimulatorTheLocalSqsAndTheInProcessTemporalServer() throws Exception {
    assertThat(JAR.classes())
        .contains(
            "dev/hourmeter/simulator/MarketplaceSimulator.class",
            "dev/hourmeter/simulator/EmbeddedSqs.class",
            "org/elasticmq/rest/sqs/SQSRestServer.class",
            "io/temporal/testserver/TestServer.class");
    // Pekko (ElasticMQ's runtime) reads its defaults from reference.conf: every library's,
    // appended.
    assertThat(JAR.text("reference.conf")).contains("pekko {").contains("pekko.http");
  }
}
