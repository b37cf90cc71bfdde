package dev.hourmeter.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.simulator.SimulatorMain;
import dev.hourmeter.worker.catalog.CatalogProduct;
import dev.hourmeter.worker.catalog.IntegrationKind;
import dev.hourmeter.worker.catalog.ProductCatalog;
import dev.hourmeter.workflows.MeteringSearchAttributes;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * No Docker engine runs on this project's machines, so docker-compose.yml cannot be started here.
 * This test holds it to what the README promises: the services, their pinned images, ports, start
 * order and the search attributes hourmeter needs.
 */
class DockerComposeFileTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern STAGE = Pattern.compile("^FROM \\S+ AS (\\S+)");
  private static Map<String, Map<String, Object>> services;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void parse() throws IOException {
    try (Reader reader = Files.newBufferedReader(ROOT.resolve("docker-compose.yml"))) {
      Map<String, Object> compose = new Yaml().load(reader);
      services = (Map<String, Map<String, Object>>) compose.get("services");
    }
  }

  @Test
  void hasTheUpstreamLayoutPlusHourmeter() {
    assertThat(services)
        .containsOnlyKeys(
            "postgresql",
            "temporal-schema",
            "temporal",
            "temporal-setup",
            "temporal-ui",
            "hourmeter-worker",
            "simulator",
            "sqs");
  }

  @Test
  void everyImageIsPinnedToAVersion() {
    services.forEach(
        (name, service) -> {
          String image = (String) service.get("image");
          assertThat(image)
              .as("image of %s", name)
              .isNotNull()
              .contains(":")
              .doesNotEndWith(":latest");
        });
    assertThat(image("temporal")).startsWith("temporalio/server:");
    assertThat(image("temporal-ui")).startsWith("temporalio/ui:");
    assertThat(image("temporal-schema")).startsWith("temporalio/admin-tools:");
    assertThat(image("postgresql")).startsWith("postgres:");
  }

  @Test
  void publishesThePortsTheReadmeNames() {
    assertThat(ports("temporal")).containsExactly("7233:7233");
    assertThat(ports("temporal-ui")).containsExactly("8080:8080");
    assertThat(ports("hourmeter-worker")).containsExactly("9464:9464");
    assertThat(ports("simulator")).containsExactly("4599:4599");
    assertThat(ports("sqs")).containsExactly("9324:9324");
  }

  @Test
  void startsInOrderSchemaServerSetupWorker() {
    assertThat(dependsOn("temporal-schema")).containsEntry("postgresql", "service_healthy");
    assertThat(dependsOn("temporal"))
        .containsEntry("temporal-schema", "service_completed_successfully");
    assertThat(dependsOn("temporal-setup")).containsEntry("temporal", "service_healthy");
    assertThat(dependsOn("temporal-ui")).containsEntry("temporal", "service_healthy");
    assertThat(dependsOn("hourmeter-worker"))
        .containsEntry("temporal-setup", "service_completed_successfully");
  }

  @Test
  void theSimulatorIsAnOptionalProfileAndTheWorkerIsBuiltFromTheRepo() throws IOException {
    assertThat(services.get("simulator").get("profiles")).isEqualTo(List.of("simulator"));
    assertThat(services.get("hourmeter-worker")).containsKey("build");
    assertThat(Files.readString(ROOT.resolve("Dockerfile")))
        .contains("worker/target/hourmeter-worker.jar");
    assertThat(Files.readString(ROOT.resolve("deploy/simulator.env")))
        .contains("HOURMETER_METERING_ENDPOINT=http://simulator:4599");
  }

  /**
   * The worker image holds the lean worker jar; the simulator, which that jar lacks, runs from the
   * devtools jar (the Dockerfile's dev target).
   */
  @Test
  @SuppressWarnings("unchecked")
  void theWorkerImageHasTheWorkerJarAndTheSimulatorTheDevtoolsJar() throws IOException {
    Map<String, Object> workerBuild =
        (Map<String, Object>) services.get("hourmeter-worker").get("build");
    Map<String, Object> simulatorBuild =
        (Map<String, Object>) services.get("simulator").get("build");
    assertThat(workerBuild).containsEntry("target", "worker");
    assertThat(simulatorBuild).containsEntry("target", "dev");
    assertThat(image("simulator")).isNotEqualTo(image("hourmeter-worker"));

    List<String> stages = new ArrayList<>();
    Map<String, String> jarOfStage = new HashMap<>();
    for (String line : Files.readAllLines(ROOT.resolve("Dockerfile"))) {
      Matcher from = STAGE.matcher(line);
      if (from.find()) {
        stages.add(from.group(1));
      } else if (line.startsWith("ENTRYPOINT") && line.contains(".jar")) {
        jarOfStage.put(
            stages.get(stages.size() - 1), line.replaceAll(".*/([^/\"]+\\.jar).*", "$1"));
      }
    }
    assertThat(stages).contains("build", "dev").last().as("the default target").isEqualTo("worker");
    assertThat(jarOfStage)
        .containsEntry("worker", "hourmeter-worker.jar")
        .containsEntry("dev", "hourmeter-devtools.jar");
  }

  /** The image builds every module the root pom lists (Maven reads them all, even with -pl). */
  @Test
  void theDockerfileCopiesEveryModule() throws IOException {
    String pom = Files.readString(ROOT.resolve("pom.xml"));
    String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
    Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(pom);
    List<String> modules = new ArrayList<>();
    while (module.find()) {
      modules.add(module.group(1));
    }
    assertThat(modules).contains("worker", "devtools", "sqs");
    assertThat(modules)
        .allSatisfy(m -> assertThat(dockerfile).contains("COPY " + m + " " + m + "\n"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void theWorkerIsConfiguredThroughTheDocumentedVariables() {
    Map<String, Object> environment =
        (Map<String, Object>) services.get("hourmeter-worker").get("environment");
    assertThat(environment)
        .containsKeys(
            "TEMPORAL_ADDRESS",
            "TEMPORAL_NAMESPACE",
            "HOURMETER_TASK_QUEUE",
            "AWS_REGION",
            "HOURMETER_METERING_ENDPOINT",
            "HOURMETER_ENTITLEMENT_ENDPOINT",
            "HOURMETER_CLOUDTRAIL_ENDPOINT",
            "HOURMETER_INTAKE_QUEUES",
            "HOURMETER_INTAKE_SQS_ENDPOINT",
            "HOURMETER_PRODUCT_CATALOG");
    assertThat(environment.get("TEMPORAL_ADDRESS")).isEqualTo("temporal:7233");
  }

  @Test
  @SuppressWarnings("unchecked")
  void theWorkerReadsTheMountedProductCatalog() throws IOException {
    Map<String, Object> worker = services.get("hourmeter-worker");
    Map<String, Object> environment = (Map<String, Object>) worker.get("environment");
    String catalogPath = (String) environment.get("HOURMETER_PRODUCT_CATALOG");
    assertThat((List<String>) worker.get("volumes"))
        .contains("./deploy/products.json:" + catalogPath + ":ro");
    // The mounted file is a catalog the worker accepts, naming a product of each integration kind.
    ProductCatalog catalog = ProductCatalog.load(ROOT.resolve("deploy/products.json"));
    assertThat(catalog.products())
        .extracting(CatalogProduct::integration)
        .containsExactlyInAnyOrder(IntegrationKind.LEGACY, IntegrationKind.CONCURRENT_AGREEMENTS);
  }

  @Test
  @SuppressWarnings("unchecked")
  void theSimulatorPublishesItsAgreementEventsIntoTheQueueTheIntakeReads() throws IOException {
    Map<String, Object> simulator = services.get("simulator");
    Map<String, Object> environment = (Map<String, Object>) simulator.get("environment");
    String env = Files.readString(ROOT.resolve("deploy/simulator.env"));
    assertThat(env)
        .contains("HOURMETER_INTAKE_QUEUES=" + environment.get("SIMULATOR_EVENT_QUEUE_URL"))
        .contains(
            "HOURMETER_INTAKE_SQS_ENDPOINT=" + environment.get("SIMULATOR_EVENT_SQS_ENDPOINT"));
    assertThat((String) environment.get("SIMULATOR_EVENT_QUEUE_URL"))
        .isEqualTo("http://sqs:9324/000000000000/lifecycle");
    assertThat(dependsOn("simulator")).containsEntry("sqs", "service_started");
    assertThat(environment)
        .as("the variables SimulatorMain reads")
        .containsOnlyKeys(SimulatorMain.ENV_EVENT_QUEUE_URL, SimulatorMain.ENV_EVENT_SQS_ENDPOINT);
  }

  @Test
  void theLocalSqsHasTheIntakesQueueWithARedrivePolicy() throws IOException {
    assertThat(image("sqs")).startsWith("softwaremill/elasticmq-native:");
    assertThat(services.get("sqs").get("profiles")).isEqualTo(List.of("simulator"));
    String config = Files.readString(ROOT.resolve("deploy/elasticmq.conf"));
    assertThat(config)
        .contains("lifecycle {")
        .contains("deadLettersQueue")
        .contains("lifecycle-dlq");
    assertThat(Files.readString(ROOT.resolve("deploy/simulator.env")))
        .contains("HOURMETER_INTAKE_QUEUES=http://sqs:9324/000000000000/lifecycle")
        .contains("HOURMETER_INTAKE_SQS_ENDPOINT=http://sqs:9324");
  }

  @Test
  void theSetupJobRegistersEverySearchAttributeTheWorkflowUses() throws IOException {
    String script = Files.readString(ROOT.resolve("deploy/temporal/setup-namespace.sh"));
    assertThat(MeteringSearchAttributes.ALL.keySet())
        .allSatisfy(name -> assertThat(script).contains(name));
    assertThat(ROOT.resolve("deploy/temporal/setup-schema.sh")).exists();
    assertThat(ROOT.resolve("deploy/temporal/dynamicconfig/hourmeter.yaml")).exists();
  }

  private static String image(String service) {
    return (String) services.get(service).get("image");
  }

  @SuppressWarnings("unchecked")
  private static List<String> ports(String service) {
    return (List<String>) services.get(service).get("ports");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> dependsOn(String service) {
    Map<String, Map<String, String>> dependencies =
        (Map<String, Map<String, String>>) services.get(service).get("depends_on");
    return dependencies.entrySet().stream()
        .collect(
            java.util.stream.Collectors.toMap(
                Map.Entry::getKey, e -> e.getValue().get("condition")));
  }
}
