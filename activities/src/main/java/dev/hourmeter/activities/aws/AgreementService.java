package dev.hourmeter.activities.aws;

import java.util.Objects;
import software.amazon.awssdk.services.marketplaceagreement.MarketplaceAgreementClient;
import software.amazon.awssdk.services.marketplaceagreement.model.DescribeAgreementRequest;
import software.amazon.awssdk.services.marketplaceagreement.model.DescribeAgreementResponse;

/**
 * AWS Marketplace Agreement Service: DescribeAgreement, through the shared {@link AwsCall} (which
 * classifies its failures once).
 */
public final class AgreementService {

  public static final String DESCRIBE_AGREEMENT = "DescribeAgreement";

  private final MarketplaceAgreementClient client;
  private final AwsCall aws;

  AgreementService(MarketplaceAgreementClient client, AwsCall aws) {
    this.client = Objects.requireNonNull(client, "client");
    this.aws = Objects.requireNonNull(aws, "aws");
  }

  /**
   * The agreement's status as AWS spells it (ACTIVE, CANCELLED, RENEWED, REPLACED, ...). Read as
   * text: the served model's enum lacks values AWS returns (CANCELLED), which it would turn into
   * UNKNOWN_TO_SDK_VERSION.
   *
   * @throws MarketplaceCallException when the call fails (retryable or not, classified once)
   */
  public String status(String agreementId) {
    Objects.requireNonNull(agreementId, "agreementId");
    DescribeAgreementRequest request =
        DescribeAgreementRequest.builder().agreementId(agreementId).build();
    DescribeAgreementResponse response =
        aws.call(DESCRIBE_AGREEMENT, () -> client.describeAgreement(request));
    return response.statusAsString();
  }
}
