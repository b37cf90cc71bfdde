package dev.hourmeter.it;

import static dev.hourmeter.it.MeteringTestEnvironment.START;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.OutputStreamAppender;
import dev.hourmeter.activities.usage.UsageObservation;
import dev.hourmeter.activities.usage.UsageSource;
import dev.hourmeter.simulator.SubscriptionSpec;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.PricingModel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every workflow and activity log line names its customer: the worker's console pattern (read from
 * its logback.xml, not copied here) prints the Temporal SDK's {@code WorkflowId} MDC value, so
 * {@code grep 'metering/<product>/<customer>'} follows one customer.
 */
// Alone, not beside other test classes: it reads every line the dev.hourmeter loggers write.
@Isolated
class WorkflowIdInLogLinesTest {

  private static final String PRODUCT = "log-product";
  private static final String CUSTOMER = "111122223333";
  private static final String WORKFLOW_ID = MeteringWorkflowIds.forCustomer(PRODUCT, CUSTOMER);
  private static final String USAGE_SOURCE_LOGGER = "dev.hourmeter.it.LoggingUsageSource";

  /** One formatted console line and the logger that wrote it. */
  private record Line(String logger, String text) {}

  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final List<Line> lines = new CopyOnWriteArrayList<>();
  private final AppenderBase<ILoggingEvent> capture = captureWith(consoleLayout());

  @AfterEach
  void detach() {
    context.getLogger("dev.hourmeter").detachAppender(capture);
    capture.stop();
  }

  @Test
  void workflowAndActivityLinesCarryTheWorkflowId() {
    context.getLogger("dev.hourmeter").addAppender(capture);
    try (MeteringTestEnvironment env = new MeteringTestEnvironment(new LoggingUsageSource())) {
      env.simulator.subscribe(
          SubscriptionSpec.of(
              PRODUCT, dev.hourmeter.simulator.CustomerId.awsAccount(CUSTOMER), "requests"));
      env.start(
          MeteringSubscription.of(
              PRODUCT,
              CustomerId.parse(CUSTOMER),
              List.of("requests"),
              PricingModel.SUBSCRIPTION,
              Duration.ofHours(1)));
      // The first period closes at 01:05 plus the customer's offset in the PT20M close spread:
      // usage
      // is collected (activity), submitted, and logged.
      env.sleepUntil(START.plus(Duration.ofMinutes(70)));
    }

    List<Line> workflowLines =
        lines.stream().filter(l -> l.logger().startsWith("dev.hourmeter.workflows")).toList();
    List<Line> activityLines =
        lines.stream().filter(l -> l.logger().equals(USAGE_SOURCE_LOGGER)).toList();
    assertThat(workflowLines).as("workflow log lines").isNotEmpty();
    assertThat(workflowLines).anyMatch(l -> l.text().contains("submitted"));
    assertThat(activityLines).as("activity log lines").isNotEmpty();
    assertThat(workflowLines)
        .allSatisfy(l -> assertThat(l.text()).contains(" [" + WORKFLOW_ID + "] - "));
    assertThat(activityLines)
        .allSatisfy(l -> assertThat(l.text()).contains(" [" + WORKFLOW_ID + "] - "));
    // Lines outside workflows and activities keep the plain pattern (no empty brackets).
    assertThat(lines)
        .filteredOn(l -> !l.text().contains(WORKFLOW_ID))
        .allSatisfy(l -> assertThat(l.text()).doesNotContain("[]"));
  }

  /** The layout of the worker's console appender, as its logback.xml configures it. */
  private PatternLayout consoleLayout() {
    OutputStreamAppender<ILoggingEvent> console =
        (OutputStreamAppender<ILoggingEvent>)
            context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT");
    assertThat(console)
        .as("the STDOUT appender of worker/src/main/resources/logback.xml")
        .isNotNull();
    PatternLayout layout = new PatternLayout();
    layout.setContext(context);
    layout.setPattern(((PatternLayoutEncoder) console.getEncoder()).getPattern());
    layout.start();
    return layout;
  }

  private AppenderBase<ILoggingEvent> captureWith(PatternLayout layout) {
    AppenderBase<ILoggingEvent> appender =
        new AppenderBase<>() {
          @Override
          protected void append(ILoggingEvent event) {
            // Formatted on the logging thread, where the SDK's MDC is set.
            lines.add(new Line(event.getLoggerName(), layout.doLayout(event)));
          }
        };
    appender.setContext(context);
    appender.start();
    return appender;
  }

  /** A seller's usage source that logs each query: its lines come from the activity thread. */
  private static final class LoggingUsageSource implements UsageSource {
    private static final Logger log = LoggerFactory.getLogger(USAGE_SOURCE_LOGGER);

    @Override
    public List<UsageObservation> usageBetween(
        String productCode,
        dev.hourmeter.workflows.model.api.CustomerId customer,
        Instant fromInclusive,
        Instant toExclusive) {
      log.info("usage query {} [{}, {})", customer.value(), fromInclusive, toExclusive);
      return List.of();
    }
  }
}
