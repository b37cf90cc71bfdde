package dev.hourmeter.workflows.state;

import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.GlobalDataConverter;
import java.util.List;
import java.util.function.Function;

/**
 * A byte budget for what the workflow hands to the server (the continue-as-new checkpoint, the
 * {@code status} answer), checked by serializing with the data converter Temporal uses and
 * measuring. Over budget, the lists that are only history are cut (rejected reports first, then
 * recent records, then carried-usage notes), newest kept, with a count of what was left out; what
 * is money (pending usage, backlog, remembered ids, verifications) is never cut.
 */
public final class PayloadBudget {

  /** Temporal refuses a payload above 2 MB (blob size limit) and a gRPC message above 4 MB. */
  public static final int CHECKPOINT_BYTES = 1_000_000;

  public static final int STATUS_BYTES = 1_000_000;

  /** How many of each cuttable list to keep, and how many there are. */
  public record Limits(int rejected, int recent, int carried, Limits full) {

    static Limits all(int rejected, int recent, int carried) {
      return new Limits(rejected, recent, carried, null);
    }

    /** What was left out, or null when nothing was. */
    public String omitted() {
      if (full == null || equals(full)) {
        return null;
      }
      return "left out to stay under the size budget: "
          + (full.rejected - rejected)
          + " rejected reports, "
          + (full.recent - recent)
          + " recent records, "
          + (full.carried - carried)
          + " carried-usage notes";
    }

    public <T> List<T> keepRejected(List<T> items) {
      return newest(items, rejected);
    }

    public <T> List<T> keepRecent(List<T> items) {
      return newest(items, recent);
    }

    public <T> List<T> keepCarried(List<T> items) {
      return newest(items, carried);
    }

    private Limits smaller() {
      Limits base = full == null ? this : full;
      if (rejected > 0) {
        return new Limits(rejected / 2, recent, carried, base);
      }
      if (recent > 0) {
        return new Limits(0, recent / 2, carried, base);
      }
      if (carried > 0) {
        return new Limits(0, 0, carried / 2, base);
      }
      return null;
    }
  }

  /** The value built within the budget (or as small as it gets), its size and what was cut. */
  public record Fitted<T>(T value, int bytes, String omitted) {}

  private PayloadBudget() {}

  public static <T> Fitted<T> fit(int budget, Limits all, Function<Limits, T> build) {
    Limits limits = all;
    T value = build.apply(limits);
    int bytes = sizeOf(value);
    while (bytes > budget) {
      Limits smaller = limits.smaller();
      if (smaller == null) {
        break; // nothing more may be cut: the caller reports it
      }
      limits = smaller;
      value = build.apply(limits);
      bytes = sizeOf(value);
    }
    return new Fitted<>(value, bytes, limits.omitted());
  }

  /** Serialized size with Temporal's data converter (the same Jackson settings). */
  public static int sizeOf(Object value) {
    return GlobalDataConverter.get().toPayload(value).map(Payload::getSerializedSize).orElse(0);
  }

  private static <T> List<T> newest(List<T> items, int count) {
    return items.size() <= count
        ? items
        : List.copyOf(items.subList(items.size() - count, items.size()));
  }
}
