package dev.hourmeter.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * ResolveCustomer: redeems an agreement's registration token. A legacy product answers {@code
 * CustomerIdentifier}, {@code CustomerAWSAccountId} and {@code ProductCode}; a
 * concurrent-agreements product {@code CustomerAWSAccountId}, {@code ProductCode}, {@code
 * LicenseArn} and {@code Metadata.AgreementId} (no CustomerIdentifier: a new integration). Errors:
 * {@code InvalidTokenException}, {@code ExpiredTokenException} (after 4 hours of simulator time).
 */
final class ResolveCustomerOperation implements OperationHandler {

  private final SimulatorState state;

  ResolveCustomerOperation(SimulatorState state) {
    this.state = state;
  }

  @Override
  public ObjectNode handle(JsonNode request, CallContext context) {
    JsonNode token = request.get("RegistrationToken");
    if (token == null || !token.isTextual() || token.textValue().isEmpty()) {
      throw ApiException.badRequest(
          ApiOperation.RESOLVE_CUSTOMER.validationErrorType(),
          "1 validation error detected: Value null at 'registrationToken' failed to satisfy"
              + " constraint: Member must not be null");
    }
    Agreement agreement = state.agreements.resolve(token.textValue());
    ObjectNode response = AwsJson.object();
    if (agreement.customerIdentifier() != null) {
      response.put("CustomerIdentifier", agreement.customerIdentifier());
    }
    response.put("CustomerAWSAccountId", agreement.accountId());
    response.put("ProductCode", agreement.productCode());
    if (agreement.concurrentAgreements()) {
      response.put("LicenseArn", agreement.licenseArn());
      response.putObject("Metadata").put("AgreementId", agreement.id());
    }
    return response;
  }
}
