package dev.hourmeter.workflows.model.api;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Who is metered. AWS accepts exactly one of the legacy {@code CustomerIdentifier} (from
 * ResolveCustomer) or the newer {@code CustomerAWSAccountId} (12 digits). {@code licenseArn}
 * (Concurrent Agreements) makes the customer's records licensed: each carries the LicenseArn on the
 * wire and their request omits ProductCode (added at the HTTP layer: the pinned SDK model lacks
 * it); it is part of the records' dedup key, of their CloudTrail receipt key, and selects the
 * license's entitlements.
 *
 * <p>A license needs an AWS account id ({@link #licensed}); a legacy identifier cannot hold one.
 * The constructor does not enforce it (it also runs when histories are read back); {@link
 * #licenseProblem()} does, for new workflows ({@code MeteringSubscription.startProblems()}).
 */
public record CustomerId(
    String customerIdentifier, String customerAwsAccountId, String licenseArn) {

  private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");

  /**
   * AWS's LicenseArn pattern, from the meteringmarketplace service model (botocore 1.44.8, shape
   * {@code LicenseArn}).
   */
  public static final Pattern LICENSE_ARN =
      Pattern.compile(
          "^arn:aws[a-zA-Z-]*:[A-Za-z0-9][A-Za-z0-9_/.-]{0,62}:[A-Za-z0-9_/.-]{0,63}"
              + ":[A-Za-z0-9_/.-]{0,63}:[A-Za-z0-9][A-Za-z0-9:_/+=,@.-]{0,1023}$");

  /**
   * The longest LicenseArn accepted for a new workflow: AWS's pattern allows about 1,250
   * characters, the workflow id holds the ARN (see {@code MeteringWorkflowIds}) and Temporal's ids
   * are at most 1,000. License Manager's ARNs are under 100.
   */
  public static final int MAX_LICENSE_ARN_LENGTH = 512;

  public CustomerId {
    boolean hasLegacy = customerIdentifier != null && !customerIdentifier.isBlank();
    boolean hasAccount = customerAwsAccountId != null && !customerAwsAccountId.isBlank();
    if (hasLegacy == hasAccount) {
      throw new IllegalArgumentException(
          "customer: exactly one of customerIdentifier or customerAwsAccountId is required");
    }
    if (hasAccount && !ACCOUNT_ID.matcher(customerAwsAccountId).matches()) {
      throw new IllegalArgumentException(
          "customer: customerAwsAccountId must be 12 digits, got '" + customerAwsAccountId + "'");
    }
    if (hasLegacy && customerIdentifier.length() > 255) {
      throw new IllegalArgumentException(
          "customer: customerIdentifier is longer than 255 characters");
    }
  }

  /**
   * Picks the id type from its shape: 12 digits is an AWS account id, anything else a legacy
   * identifier.
   */
  public static CustomerId parse(String value) {
    Objects.requireNonNull(value, "customer");
    String trimmed = value.trim();
    return ACCOUNT_ID.matcher(trimmed).matches()
        ? new CustomerId(null, trimmed, null)
        : new CustomerId(trimmed, null, null);
  }

  public static CustomerId legacy(String customerIdentifier) {
    return new CustomerId(customerIdentifier, null, null);
  }

  public static CustomerId awsAccount(String accountId) {
    return new CustomerId(null, accountId, null);
  }

  /**
   * One license (Concurrent Agreements) of an AWS account: both checked, an
   * IllegalArgumentException naming the field otherwise.
   */
  public static CustomerId licensed(String accountId, String licenseArn) {
    CustomerId customer = new CustomerId(null, accountId, licenseArn);
    String problem = customer.licenseProblem();
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return customer;
  }

  /** {@code value} (as {@link #parse}) with {@code licenseArn} when it is not null or blank. */
  public static CustomerId parse(String value, String licenseArn) {
    CustomerId customer = parse(value);
    return licenseArn == null || licenseArn.isBlank()
        ? customer
        : new CustomerId(
            customer.customerIdentifier(), customer.customerAwsAccountId(), licenseArn.trim());
  }

  /**
   * Why a LicenseArn cannot be used: not matching AWS's pattern ({@link #LICENSE_ARN}) or longer
   * than {@link #MAX_LICENSE_ARN_LENGTH}; null if it can.
   */
  public static String licenseArnProblem(String licenseArn) {
    if (licenseArn == null || !LICENSE_ARN.matcher(licenseArn).matches()) {
      return "must match AWS's LicenseArn pattern arn:aws...:<service>:<region>:<account>:<resource>"
          + " (such as arn:aws:license-manager::123456789012:license/l-0123...), got '"
          + licenseArn
          + "'";
    }
    if (licenseArn.length() > MAX_LICENSE_ARN_LENGTH) {
      return "must be at most "
          + MAX_LICENSE_ARN_LENGTH
          + " characters, got "
          + licenseArn.length();
    }
    return null;
  }

  /**
   * What is wrong with this customer's license for a new workflow, prefixed with the field: a
   * license held by a legacy identifier, or an ARN AWS would refuse; null when there is no license
   * or nothing is wrong.
   */
  public String licenseProblem() {
    if (!hasLicense()) {
      return null;
    }
    if (!hasAwsAccountId()) {
      return "licenseArn: a license needs a customerAwsAccountId (12 digits), not a legacy"
          + " customerIdentifier";
    }
    String problem = licenseArnProblem(licenseArn);
    return problem == null ? null : "licenseArn: " + problem;
  }

  /** Whether the customer's records are licensed (Concurrent Agreements). */
  public boolean hasLicense() {
    return licenseArn != null && !licenseArn.isBlank();
  }

  /** The identifier value, whichever kind it is. */
  public String value() {
    return customerAwsAccountId != null && !customerAwsAccountId.isBlank()
        ? customerAwsAccountId
        : customerIdentifier;
  }

  public boolean hasAwsAccountId() {
    return customerAwsAccountId != null && !customerAwsAccountId.isBlank();
  }

  @Override
  public String toString() {
    return value();
  }
}
