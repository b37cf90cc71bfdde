package dev.hourmeter.simulator;

/** The two ways AWS Marketplace identifies a buyer in a usage record. */
public enum CustomerIdType {
  /** Legacy opaque id returned by ResolveCustomer. */
  CUSTOMER_IDENTIFIER("CustomerIdentifier", "customerIdentifier", "CUSTOMER_IDENTIFIER"),
  /** The buyer's 12-digit AWS account id. */
  CUSTOMER_AWS_ACCOUNT_ID(
      "CustomerAWSAccountId", "customerAWSAccountId", "CUSTOMER_AWS_ACCOUNT_ID");

  private final String wireName;
  private final String camelName;
  private final String filterName;

  CustomerIdType(String wireName, String camelName, String filterName) {
    this.wireName = wireName;
    this.camelName = camelName;
    this.filterName = filterName;
  }

  /** Field name in the AWS JSON 1.1 APIs, e.g. {@code CustomerAWSAccountId}. */
  public String wireName() {
    return wireName;
  }

  /** Lower camel case field name used by CloudTrail and the control API. */
  public String camelName() {
    return camelName;
  }

  /** Name of the GetEntitlements filter key for this id type. */
  public String filterName() {
    return filterName;
  }

  public static CustomerIdType fromWireName(String name) {
    for (CustomerIdType type : values()) {
      if (type.wireName.equals(name)) {
        return type;
      }
    }
    throw new IllegalArgumentException("unknown customer id type: " + name);
  }
}
