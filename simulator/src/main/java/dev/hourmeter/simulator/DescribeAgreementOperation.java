package dev.hourmeter.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * DescribeAgreement (service {@code marketplace-agreement}, AWS JSON 1.0, target {@code
 * AWSMPCommerceService_v20200301.DescribeAgreement}): an agreement of {@code /_sim/agreements} as
 * the model describes it, to its proposer (the seller). Answers {@code agreementId}, {@code
 * acceptor.accountId}, {@code proposer.accountId} (the simulator's account), {@code startTime} and
 * {@code acceptanceTime} (creation), {@code endTime} (once ended; none while active, as for a
 * pay-as-you-go agreement), {@code agreementType} PurchaseAgreement, {@code proposalSummary} (offer
 * and product), {@code status} (ACTIVE, CANCELLED, RENEWED, REPLACED) and {@code
 * initialAgreementId} (the first agreement of a chain of renewals and replacements; newer models
 * only, the Java SDK 2.40.2 ignores it). Errors: {@code ValidationException}, {@code
 * ResourceNotFoundException} (404).
 */
final class DescribeAgreementOperation implements OperationHandler {

  static final String AGREEMENT_TYPE = "PurchaseAgreement";

  /** The model's Resource type of a SaaS product. */
  static final String PRODUCT_RESOURCE_TYPE = "SaaSProduct";

  private static final Pattern RESOURCE_ID = Pattern.compile("[A-Za-z0-9_/-]{1,64}");

  private final SimulatorState state;

  DescribeAgreementOperation(SimulatorState state) {
    this.state = state;
  }

  @Override
  public ObjectNode handle(JsonNode request, CallContext context) {
    String id = agreementId(request);
    Agreement agreement =
        state
            .agreements
            .find(id)
            .orElseThrow(
                () ->
                    new ApiException(
                        "ResourceNotFoundException",
                        404,
                        "Agreement " + id + " not found.",
                        Map.of("resourceId", id, "resourceType", "Agreement")));
    ObjectNode response = AwsJson.object();
    response.put("agreementId", agreement.id());
    response.putObject("acceptor").put("accountId", agreement.accountId());
    response.putObject("proposer").put("accountId", state.config.accountId());
    response.set("startTime", AwsJson.epochSeconds(agreement.createdAt()));
    if (agreement.endsAt() != null) {
      response.set("endTime", AwsJson.epochSeconds(agreement.endsAt()));
    }
    response.set("acceptanceTime", AwsJson.epochSeconds(agreement.createdAt()));
    response.put("agreementType", AGREEMENT_TYPE);
    ObjectNode proposal = response.putObject("proposalSummary");
    proposal
        .putArray("resources")
        .addObject()
        .put("id", AgreementEvents.productId(agreement.productCode()))
        .put("type", PRODUCT_RESOURCE_TYPE);
    proposal.put("offerId", agreement.offerId());
    response.put("status", agreement.agreementStatus().name());
    response.put("initialAgreementId", agreement.initialAgreementId());
    return response;
  }

  private static String agreementId(JsonNode request) {
    JsonNode id = request.get("agreementId");
    if (id == null || id.isNull()) {
      throw invalid(
          "1 validation error detected: Value null at 'agreementId' failed to satisfy constraint:"
              + " Member must not be null",
          "MISSING_AGREEMENT_ID");
    }
    if (!id.isTextual() || !RESOURCE_ID.matcher(id.textValue()).matches()) {
      throw invalid(
          "1 validation error detected: Value at 'agreementId' failed to satisfy constraint:"
              + " Member must satisfy regular expression pattern: [A-Za-z0-9_/-]+ (1 to 64"
              + " characters)",
          "INVALID_AGREEMENT_ID");
    }
    return id.textValue();
  }

  private static ApiException invalid(String message, String reason) {
    return new ApiException(
        ApiOperation.DESCRIBE_AGREEMENT.validationErrorType(),
        400,
        message,
        Map.of("reason", reason));
  }
}
