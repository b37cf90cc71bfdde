package dev.hourmeter.workflows.model.activity;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.hourmeter.workflows.model.api.Quantities;
import dev.hourmeter.workflows.model.api.UsageTags;
import java.math.BigDecimal;
import java.util.Map;

/**
 * One part of a record's quantity labelled with a tag set (AWS's {@code UsageAllocation}); an
 * allocation without tags holds the untagged usage. {@code quantity} is exact (whole ones are
 * written as integers); on the wire it is always {@code AllocatedUsageQuantityAsDecimal} (see
 * {@link MeteringRecord}).
 */
public record UsageAllocation(
    BigDecimal quantity, @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> tags) {

  public UsageAllocation {
    quantity = Quantities.canonical(quantity);
    tags = UsageTags.canonical(tags);
  }

  public boolean tagged() {
    return !tags.isEmpty();
  }
}
