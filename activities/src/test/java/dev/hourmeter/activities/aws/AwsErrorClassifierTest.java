package dev.hourmeter.activities.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.activities.aws.MarketplaceCallException.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** Error shapes the simulator cannot produce, built as the SDK builds them. */
class AwsErrorClassifierTest {

  @ParameterizedTest(name = "{0} HTTP {1} -> {2} throttled={3} requestWide={4}")
  @CsvSource({
    "ThrottlingException,             400, RETRYABLE,               true,  true",
    "ThrottlingException,             429, RETRYABLE,               true,  true",
    "'',                              429, RETRYABLE,               true,  true",
    "InternalServiceErrorException,   500, RETRYABLE,               false, true",
    "'',                              503, RETRYABLE,               false, true",
    "ExpiredTokenException,           400, RETRYABLE,               false, true",
    "AccessDeniedException,           403, RETRYABLE,               false, true",
    "TimestampOutOfBoundsException,   400, TIMESTAMP_OUT_OF_BOUNDS, false, false",
    "InvalidUsageDimensionException,  400, NON_RETRYABLE,           false, false",
    "InvalidCustomerIdentifierException, 400, NON_RETRYABLE,        false, false",
    "InvalidTagException,             400, NON_RETRYABLE,           false, false",
    "InvalidUsageAllocationsException, 400, NON_RETRYABLE,          false, false",
    "InvalidProductCodeException,     400, NON_RETRYABLE,           false, true",
    "DisabledApiException,            400, NON_RETRYABLE,           false, true",
    "InvalidParameterException,       400, NON_RETRYABLE,           false, false",
    "SomethingNewException,           400, NON_RETRYABLE,           false, false",
    "InvalidLicenseException,         400, NON_RETRYABLE,           false, false",
  })
  void serviceErrors(String code, int status, Kind kind, boolean throttled, boolean requestWide) {
    AwsServiceException e =
        AwsServiceException.builder()
            .statusCode(status)
            .message("boom")
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode(code.isEmpty() ? null : code)
                    .errorMessage("boom")
                    .build())
            .build();

    MarketplaceCallException classified = AwsErrorClassifier.classify("BatchMeterUsage", e);

    assertThat(classified.kind()).isEqualTo(kind);
    assertThat(classified.throttled()).isEqualTo(throttled);
    assertThat(classified.requestWide()).isEqualTo(requestWide);
    assertThat(classified.errorType()).isEqualTo(code.isEmpty() ? "HTTP " + status : code);
    assertThat(classified.statusCode()).isEqualTo(status);
    assertThat(classified.getCause()).isSameAs(e);
    assertThat(classified.awsMessage()).isEqualTo("boom");
    assertThat(classified.licenseWide()).isEqualTo(code.equals("InvalidLicenseException"));
  }

  @ParameterizedTest
  @CsvSource({"io", "timeout"})
  void clientSideFailuresAreRetryable(String which) {
    var failure =
        which.equals("io")
            ? SdkClientException.create("Unable to execute HTTP request: Connection refused")
            : ApiCallAttemptTimeoutException.create(300);

    MarketplaceCallException classified = AwsErrorClassifier.classify("GetEntitlements", failure);

    assertThat(classified.kind()).isEqualTo(Kind.RETRYABLE);
    assertThat(classified.errorType()).isEqualTo(failure.getClass().getSimpleName());
    assertThat(classified.statusCode()).isZero();
    assertThat(classified.getMessage()).startsWith("GetEntitlements failed: ");
  }
}
