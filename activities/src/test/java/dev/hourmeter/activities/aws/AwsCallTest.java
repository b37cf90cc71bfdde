package dev.hourmeter.activities.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.hourmeter.activities.aws.MarketplaceCallException.Kind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** The shared call-and-classify helper, with SDK failures built as the SDK builds them. */
class AwsCallTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AwsCall aws = new AwsCall(registry);

  private static AwsServiceException serviceError(String code, int status) {
    return AwsServiceException.builder()
        .statusCode(status)
        .message("boom")
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("boom").build())
        .build();
  }

  private double calls(String operation, String outcome, String error) {
    var counter =
        registry
            .find("hourmeter.aws.calls")
            .tags("operation", operation, "outcome", outcome, "error", error)
            .counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void aSuccessfulCallReturnsItsResultAndIsCountedAndTimed() {
    String result = aws.call("GetEntitlements", () -> "answer");

    assertThat(result).isEqualTo("answer");
    assertThat(calls("GetEntitlements", "success", "none")).isEqualTo(1);
    assertThat(
            registry
                .get("hourmeter.aws.call.duration")
                .tags("operation", "GetEntitlements", "outcome", "success")
                .timer()
                .count())
        .isEqualTo(1);
  }

  @Test
  void throttlingIsClassifiedOnceAsRetryableAndCountedWithItsErrorType() {
    AwsServiceException sdk = serviceError("ThrottlingException", 400);

    MarketplaceCallException e =
        catchThrowableOfType(
            MarketplaceCallException.class,
            () ->
                aws.call(
                    "BatchMeterUsage",
                    () -> {
                      throw sdk;
                    }));

    assertThat(e.kind()).isEqualTo(Kind.RETRYABLE);
    assertThat(e.throttled()).isTrue();
    assertThat(e.operation()).isEqualTo("BatchMeterUsage");
    assertThat(e.getCause()).isSameAs(sdk);
    assertThat(calls("BatchMeterUsage", "retryable", "ThrottlingException")).isEqualTo(1);
    ApplicationFailure failure = e.toActivityFailure();
    assertThat(failure.getType()).isEqualTo("ThrottlingException");
    assertThat(failure.isNonRetryable()).isFalse();
  }

  @Test
  void onlyAThrottledCallOfTheOperationIsToldToItsListeners() {
    AtomicInteger metering = new AtomicInteger();
    AtomicInteger lookups = new AtomicInteger();
    aws.onThrottled("BatchMeterUsage", metering::incrementAndGet);
    aws.onThrottled("LookupEvents", lookups::incrementAndGet);
    aws.onThrottled(
        "LookupEvents",
        () -> {
          throw new IllegalStateException("a broken listener does not change the outcome");
        });

    for (AwsServiceException failure :
        List.of(
            serviceError("ThrottlingException", 400),
            serviceError("InternalServiceErrorException", 500),
            serviceError("InvalidUsageDimensionException", 400))) {
      catchThrowableOfType(
          MarketplaceCallException.class,
          () ->
              aws.call(
                  "BatchMeterUsage",
                  () -> {
                    throw failure;
                  }));
    }
    MarketplaceCallException e =
        catchThrowableOfType(
            MarketplaceCallException.class,
            () ->
                aws.call(
                    "LookupEvents",
                    () -> {
                      throw serviceError("ThrottlingException", 400);
                    }));
    aws.call("BatchMeterUsage", () -> "ok");

    assertThat(metering).hasValue(1);
    assertThat(lookups).hasValue(1);
    assertThat(e.throttled()).isTrue();
  }

  @Test
  void anInvalidRequestIsNonRetryableAndBecomesANonRetryableActivityFailure() {
    MarketplaceCallException e =
        catchThrowableOfType(
            MarketplaceCallException.class,
            () ->
                aws.call(
                    "GetEntitlements",
                    () -> {
                      throw serviceError("InvalidParameterException", 400);
                    }));

    assertThat(e.kind()).isEqualTo(Kind.NON_RETRYABLE);
    assertThat(calls("GetEntitlements", "non_retryable", "InvalidParameterException")).isEqualTo(1);
    ApplicationFailure failure = e.toActivityFailure();
    assertThat(failure.getType()).isEqualTo("InvalidParameterException");
    assertThat(failure.isNonRetryable()).isTrue();
  }

  @Test
  void aClientSideFailureIsRetryable() {
    MarketplaceCallException e =
        catchThrowableOfType(
            MarketplaceCallException.class,
            () ->
                aws.call(
                    "LookupEvents",
                    () -> {
                      throw SdkClientException.create("connection refused");
                    }));

    assertThat(e.kind()).isEqualTo(Kind.RETRYABLE);
    assertThat(e.statusCode()).isZero();
    assertThat(calls("LookupEvents", "retryable", "SdkClientException")).isEqualTo(1);
  }

  @Test
  void exceptionsThatAreNotFromTheSdkPassThroughUnclassified() {
    IllegalStateException bug = new IllegalStateException("bug");

    IllegalStateException thrown =
        catchThrowableOfType(
            IllegalStateException.class,
            () ->
                aws.call(
                    "LookupEvents",
                    () -> {
                      throw bug;
                    }));

    assertThat(thrown).isSameAs(bug);
    assertThat(registry.find("hourmeter.aws.calls").counters()).isEmpty();
  }
}
