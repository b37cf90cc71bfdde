package dev.hourmeter.activities.batching;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.activities.aws.AwsErrorClassifier;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** What a failed BatchMeterUsage call tells about whether AWS processed its records. */
class SendFailureFateTest {

  @ParameterizedTest
  @CsvSource({
    "ThrottlingException,            400, true",
    "ThrottlingException,            503, true",
    "InternalServiceErrorException,  500, false",
    "'',                             502, false",
    "AccessDeniedException,          403, true",
    "InvalidParameterException,      400, true",
  })
  void serviceErrors(String code, int status, boolean certain) {
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

    assertThat(
            SendFailureFate.certainlyNotProcessed(
                AwsErrorClassifier.classify("BatchMeterUsage", e)))
        .isEqualTo(certain);
  }

  @Test
  void aRefusedConnectionNeverReachedAws() {
    SdkClientException e =
        SdkClientException.builder()
            .message("Unable to execute HTTP request: Connection refused")
            .cause(new ConnectException("Connection refused"))
            .build();
    assertThat(
            SendFailureFate.certainlyNotProcessed(
                AwsErrorClassifier.classify("BatchMeterUsage", e)))
        .isTrue();
  }

  @Test
  void aReadTimeoutOrAnAttemptTimeoutLeavesTheFateUnknown() {
    SdkClientException read =
        SdkClientException.builder()
            .message("Unable to execute HTTP request: Read timed out")
            .cause(new SocketTimeoutException("Read timed out"))
            .build();
    ApiCallAttemptTimeoutException attempt =
        ApiCallAttemptTimeoutException.builder().message("attempt timed out").build();
    SdkClientException reset =
        SdkClientException.builder().cause(new IOException("Connection reset")).build();

    assertThat(
            SendFailureFate.certainlyNotProcessed(
                AwsErrorClassifier.classify("BatchMeterUsage", read)))
        .isFalse();
    assertThat(
            SendFailureFate.certainlyNotProcessed(
                AwsErrorClassifier.classify("BatchMeterUsage", attempt)))
        .isFalse();
    assertThat(
            SendFailureFate.certainlyNotProcessed(
                AwsErrorClassifier.classify("BatchMeterUsage", reset)))
        .isFalse();
  }

  @Test
  void unprocessedRecordsWereNotProcessedAndAnythingElseIsUnknown() {
    assertThat(SendFailureFate.certainlyNotProcessed(new UnprocessedRecordsException("x")))
        .isTrue();
    assertThat(SendFailureFate.certainlyNotProcessed(new IllegalStateException("bug"))).isFalse();
    assertThat(SendFailureFate.certainlyNotProcessed(null)).isFalse();
  }
}
