package dev.hourmeter.worker.registration;

/** The HTML the buyer's browser sees. Every value shown is escaped. */
final class RegistrationPages {

  private RegistrationPages() {}

  static String invalidToken(boolean expired) {
    return page(
        expired ? "Registration link expired" : "Registration link not valid",
        expired
            ? "This registration link has expired (they are valid for 4 hours)."
            : "This registration link is not valid.",
        "Return to AWS Marketplace, open the product's subscription and choose <em>Set up your"
            + " account</em> again to get a fresh link.");
  }

  static String missingToken() {
    return page(
        "No registration token",
        "This address expects the form AWS Marketplace posts when you subscribe"
            + " (x-amzn-marketplace-token), and none was sent.",
        "Return to AWS Marketplace and choose <em>Set up your account</em> on the product.");
  }

  static String unknownProduct(String productCode) {
    return page(
        "Product not available",
        "Your subscription to product <code>"
            + escape(productCode)
            + "</code> is confirmed by AWS, but this seller has not set the product up for"
            + " automatic onboarding yet.",
        "The seller has been notified. Please contact the seller's support.");
  }

  static String unavailable() {
    return page(
        "Please try again in a minute",
        "We could not complete your registration right now.",
        "Your subscription is safe: reload this page or choose <em>Set up your account</em> in AWS"
            + " Marketplace again in a minute.");
  }

  static String ended() {
    return page(
        "Subscription ended",
        "This subscription has already ended: nothing more is metered for it.",
        "To use the product again, subscribe again in AWS Marketplace.");
  }

  static String failed() {
    return page(
        "Registration failed",
        "We could not confirm your subscription with AWS Marketplace.",
        "Please contact the seller's support.");
  }

  static String fulfillmentInfo() {
    return page(
        "AWS Marketplace registration",
        "This is a seller's registration (fulfillment) address: AWS Marketplace posts a form to"
            + " it when a buyer subscribes.",
        "Open it from AWS Marketplace.");
  }

  static String registered(String product, String account, String license) {
    return page(
        "You are registered",
        "Your subscription to <code>"
            + escape(product)
            + "</code> is active"
            + (account == null ? "" : " for AWS account <code>" + escape(account) + "</code>")
            + (license == null ? "" : " (license <code>" + escape(license) + "</code>)")
            + ".",
        "Usage is metered from now on.");
  }

  private static String page(String title, String what, String next) {
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
        + escape(title)
        + "</title></head>\n<body><h1>"
        + escape(title)
        + "</h1>\n<p>"
        + what
        + "</p>\n<p>"
        + next
        + "</p></body></html>\n";
  }

  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
