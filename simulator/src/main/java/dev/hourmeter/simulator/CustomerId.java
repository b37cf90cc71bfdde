package dev.hourmeter.simulator;

import java.util.Objects;
import java.util.regex.Pattern;

/** A buyer identity: either a legacy CustomerIdentifier or a 12-digit AWS account id. */
public record CustomerId(CustomerIdType type, String value) {

  private static final Pattern ACCOUNT_ID = Pattern.compile("[0-9]{12}");

  public CustomerId {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(value, "value");
  }

  public static CustomerId identifier(String customerIdentifier) {
    return new CustomerId(CustomerIdType.CUSTOMER_IDENTIFIER, customerIdentifier);
  }

  public static CustomerId awsAccount(String accountId) {
    return new CustomerId(CustomerIdType.CUSTOMER_AWS_ACCOUNT_ID, accountId);
  }

  /** True when the value is well formed for its type (account ids must be 12 digits). */
  public boolean isWellFormed() {
    if (value.isEmpty() || value.length() > 255) {
      return false;
    }
    return type != CustomerIdType.CUSTOMER_AWS_ACCOUNT_ID || ACCOUNT_ID.matcher(value).matches();
  }
}
