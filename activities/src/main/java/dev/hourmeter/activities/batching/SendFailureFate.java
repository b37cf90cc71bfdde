package dev.hourmeter.activities.batching;

import dev.hourmeter.activities.aws.MarketplaceCallException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;

/**
 * Whether AWS can have processed records whose BatchMeterUsage call failed. Certainly not: AWS
 * answered with a refusal it gives before processing anything (throttling, any 4xx), returned the
 * records as unprocessed, the request never reached it (connection refused, unknown host, no
 * credentials), or the record was withdrawn from the batcher's queue before another call (the
 * batcher then reports the unknown fate of any earlier call instead). Unknown: a 5xx or a
 * client-side failure after the request may have been sent (read timeout, connection reset, API
 * call timeout).
 */
public final class SendFailureFate {

  private SendFailureFate() {}

  public static boolean certainlyNotProcessed(Throwable failure) {
    if (failure instanceof UnprocessedRecordsException
        || failure instanceof RecordWithdrawnException) {
      return true;
    }
    if (!(failure instanceof MarketplaceCallException e)) {
      return false;
    }
    if (e.throttled()) {
      return true;
    }
    int status = e.statusCode();
    if (status >= 400 && status < 500) {
      return true;
    }
    if (status == 0) {
      return neverSent(e);
    }
    return false;
  }

  private static boolean neverSent(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConnectException
          || t instanceof UnknownHostException
          || t instanceof NoRouteToHostException) {
        return true;
      }
      String message = String.valueOf(t.getMessage());
      if (message.contains("Unable to load credentials")
          || message.contains("Unable to execute HTTP request: Connect")) {
        return true;
      }
    }
    return false;
  }
}
