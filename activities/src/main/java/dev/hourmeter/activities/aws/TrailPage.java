package dev.hourmeter.activities.aws;

import java.util.List;

/** One page of CloudTrail LookupEvents results; {@code nextToken} is null on the last page. */
public record TrailPage(List<TrailEvent> events, String nextToken) {

  public TrailPage {
    events = List.copyOf(events);
  }
}
