package dev.hourmeter.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Business logic of one AWS operation: a parsed request in, a 200 response body out, or an
 * ApiException.
 */
interface OperationHandler {

  ObjectNode handle(JsonNode request, CallContext context);
}
