package dev.hourmeter.workflows.model.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeteringSubscriptionTest {

  private static MeteringSubscription subscription(Duration period, Duration entitlementMaxAge) {
    MeteringSubscription plain =
        MeteringSubscription.of(
            "p", CustomerId.parse("c"), List.of("requests"), PricingModel.SUBSCRIPTION, period);
    return plain.withTuning(
        plain.tuning().toBuilder().entitlementMaxAge(entitlementMaxAge).build());
  }

  @Test
  void aNewWorkflowCannotStartOutsideTheDocumentedBounds() {
    assertThat(subscription(Duration.ofHours(1), Duration.ofHours(7)).startProblems())
        .containsExactly("entitlementMaxAge: must be at most PT6H, got PT7H");
    assertThat(subscription(Duration.parse("PT10.0005S"), Duration.ZERO).startProblems())
        .singleElement()
        .asString()
        .startsWith("period: must divide a day evenly");
    assertThatThrownBy(
            () -> subscription(Duration.ofHours(1), Duration.ofHours(7)).requireStartable())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("entitlementMaxAge");
    assertThat(subscription(Duration.ofSeconds(10), Duration.ofHours(6)).startProblems()).isEmpty();
    assertThat(subscription(Duration.ofDays(1), Duration.ZERO).startProblems()).isEmpty();
  }

  @Test
  void aSubscriptionWrittenBeforeTheBoundsStillReadsBack() {
    // A running customer started with PT7H (accepted until the bound was enforced) must still
    // deserialize from its history: the constructor does not check the new bounds.
    MeteringSubscription old = subscription(Duration.ofHours(1), Duration.ofHours(7));
    DataConverter converter = DefaultDataConverter.STANDARD_INSTANCE;
    Payload payload = converter.toPayload(old).orElseThrow();

    MeteringSubscription read =
        converter.fromPayload(payload, MeteringSubscription.class, MeteringSubscription.class);

    assertThat(read).isEqualTo(old);
    assertThat(read.tuning().entitlementMaxAge()).isEqualTo(Duration.ofHours(7));
  }

  @Test
  void theHelpersApplyTheAwsRules() {
    assertThat(MeteringSubscription.productCodeProblem("a/b=c:d_e.f@g-1")).isNull();
    assertThat(MeteringSubscription.productCodeProblem("a b")).contains("[-a-zA-Z0-9/=:_.@]");
    assertThat(MeteringSubscription.productCodeProblem("")).contains("1-255");
    assertThat(MeteringSubscription.dimensionProblem("d".repeat(255))).isNull();
    assertThat(MeteringSubscription.dimensionProblem("d".repeat(256))).contains("1-255");
    assertThat(MeteringSubscription.periodProblem(Duration.ofSeconds(9))).contains("PT10S");
    assertThat(MeteringTuning.entitlementMaxAgeProblem(Duration.ofSeconds(-1)))
        .contains("negative");
  }

  private static final String LICENSE =
      "arn:aws:license-manager::123456789012:license/l-0123456789abcdef0123456789abcdef";

  private static MeteringSubscription licensed(CustomerId customer) {
    return MeteringSubscription.of(
        "p", customer, List.of("requests"), PricingModel.SUBSCRIPTION, Duration.ofHours(1));
  }

  @Test
  void aLicenseNeedsAnAccountIdAndAwssArnPattern() {
    assertThat(licensed(CustomerId.parse("123456789012", LICENSE)).startProblems()).isEmpty();
    assertThat(licensed(CustomerId.parse("legacy-id", LICENSE)).startProblems())
        .containsExactly(
            "customer.licenseArn: a license needs a customerAwsAccountId (12 digits), not a legacy"
                + " customerIdentifier");
    assertThat(licensed(CustomerId.parse("123456789012", "l-0123")).startProblems())
        .singleElement()
        .asString()
        .startsWith("customer.licenseArn: must match AWS's LicenseArn pattern");
    assertThat(
            licensed(CustomerId.parse("123456789012", LICENSE + "/" + "x".repeat(512)))
                .startProblems())
        .singleElement()
        .asString()
        .startsWith("customer.licenseArn: must be at most 512 characters");
    assertThatThrownBy(() -> CustomerId.licensed("legacy-id", LICENSE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("customerAwsAccountId");
    assertThat(CustomerId.parse("123456789012", " ").hasLicense()).isFalse();
  }

  @Test
  void aLicensedSubscriptionReadsBackFromItsJsonAndAnOldOneStillDoes() {
    DataConverter converter = DefaultDataConverter.STANDARD_INSTANCE;
    MeteringSubscription subscription = licensed(CustomerId.licensed("123456789012", LICENSE));

    Payload payload = converter.toPayload(subscription).orElseThrow();
    MeteringSubscription back =
        converter.fromPayload(payload, MeteringSubscription.class, MeteringSubscription.class);

    assertThat(back).isEqualTo(subscription);
    assertThat(back.customer().licenseArn()).isEqualTo(LICENSE);
    assertThat(payload.getData().toStringUtf8()).contains("\"licenseArn\":\"" + LICENSE + "\"");
  }
}
