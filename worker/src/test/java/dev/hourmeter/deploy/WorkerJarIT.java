package dev.hourmeter.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testserver.TestServer;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The jar operators deploy ({@code target/hourmeter-worker.jar}, which {@code package} builds
 * before this runs) holds the worker and nothing that exists only for {@code dev}, {@code bench}
 * and the tests, and its main offers {@code worker} (and help).
 */
class WorkerJarIT {

  static final ShadedJar JAR =
      new ShadedJar(Path.of("target", "hourmeter-worker.jar").toAbsolutePath());

  /**
   * Packages of the devtools jar only: devtools itself, the simulator, ElasticMQ, Pekko, Scala and
   * temporal-testing's test environment and in-process server. (temporal-testing's third package,
   * {@code io.temporal.internal.testservice}, is checked class by class: the SDK's own
   * temporal-serviceclient puts two classes of its own into it.)
   */
  static final List<String> DEV_ONLY =
      List.of(
          "dev/hourmeter/devtools/",
          "dev/hourmeter/simulator/",
          "org/elasticmq/",
          "org/apache/pekko/",
          "scala/",
          "io/temporal/testing/",
          "io/temporal/testserver/");

  @Test
  void holdsNoClassOfTheSimulatorElasticMqPekkoScalaOrTemporalTesting() throws IOException {
    List<String> classes = JAR.classes();
    for (String prefix : DEV_ONLY) {
      assertThat(classes.stream().filter(c -> c.startsWith(prefix)).limit(5).toList())
          .as("classes under %s in %s", prefix, JAR)
          .isEmpty();
    }
    // Every class of temporal-testing and of the test server it brings (both on this test's class
    // path), whatever its package.
    Set<String> temporalTesting = new HashSet<>(jarOf(TestWorkflowEnvironment.class).classes());
    temporalTesting.addAll(jarOf(TestServer.class).classes());
    assertThat(temporalTesting)
        .contains(
            "io/temporal/testing/TestWorkflowEnvironment.class",
            "io/temporal/internal/testservice/TestServicesStarter.class");
    assertThat(classes.stream().filter(temporalTesting::contains).limit(5).toList())
        .as("classes of temporal-testing in %s", JAR)
        .isEmpty();
    assertThat(classes)
        .as("the worker, the workflow, the activities and the Temporal SDK are in %s", JAR)
        .contains(
            "dev/hourmeter/worker/HourmeterMain.class",
            "dev/hourmeter/workflows/CustomerMeteringWorkflowImpl.class",
            "dev/hourmeter/activities/aws/AwsClients.class",
            "dev/hourmeter/sqs/SqsClients.class",
            "io/temporal/client/WorkflowClient.class");
    assertThat(classes)
        .as("the PostgreSQL usage source, its driver and its pool are in %s", JAR)
        .contains(
            "dev/hourmeter/activities/usage/jdbc/JdbcUsageSource.class",
            "org/postgresql/Driver.class",
            "com/zaxxer/hikari/HikariDataSource.class");
    assertThat(JAR.text("META-INF/services/java.sql.Driver")).contains("org.postgresql.Driver");
    assertThat(JAR.text("postgres-linux-x86_64.txz"))
        .as("the test PostgreSQL server's binaries stay out of %s", JAR)
        .isNull();
  }

  private static ShadedJar jarOf(Class<?> type) {
    try {
      return new ShadedJar(
          Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()));
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void itsMainOffersWorkerAndHelp() throws Exception {
    assertThat(JAR.commands()).containsExactly("worker", "help");
    assertThat(JAR.run("worker", "--help")).contains("--intake-queue", "--product-catalog");
  }
}
