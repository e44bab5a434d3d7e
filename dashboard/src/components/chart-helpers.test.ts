// Gaps, stop markers and the 24-hour axis labels of the charts.
import { describe, expect, it } from "vitest";

import { breakAtGaps, gapThreshold, stopMarkers, ticketMarkers } from "./chart-helpers";

describe("breakAtGaps", () => {
  it("puts a null point in a 30 s gap of 1 s samples, so the line breaks there", () => {
    const xs = [0, 1, 2, 3, 33, 34, 35];
    const ys = [1, 1, 1, 1, 5, 5, 5];
    const [outX, outY] = breakAtGaps([xs, ys]);
    expect(outX).toEqual([0, 1, 2, 3, 18, 33, 34, 35]);
    expect(outY).toEqual([1, 1, 1, 1, null, 5, 5, 5]);
  });

  it("leaves evenly spaced data alone", () => {
    const xs = [0, 5, 10, 15, 20];
    expect(breakAtGaps([xs, [1, 2, 3, 4, 5]])[0]).toEqual(xs);
  });

  it("never calls a missed sample or two a gap", () => {
    expect(gapThreshold([0, 1, 2, 3, 4])).toBe(10);
    expect(gapThreshold([0, 60, 120, 180])).toBe(180);
  });
});

describe("markers", () => {
  it("marks where a running machine stopped, once per stop", () => {
    const markers = stopMarkers([0, 1, 2, 3, 4, 5], [1500, 1480, 3, 2, 1500, 4], 50);
    expect(markers.map((m) => m.ts)).toEqual([2, 5]);
  });

  it("marks a ticket's opening and, once resolved, its repair", () => {
    const markers = ticketMarkers([
      { created_at: "2026-12-07T10:00:00Z", resolved_at: "2026-12-07T10:30:00Z", title: "x" },
      { created_at: "2026-12-07T11:00:00Z", resolved_at: null, title: "y" },
    ]);
    expect(markers.map((m) => m.kind)).toEqual(["opened", "resolved", "opened"]);
    expect(markers[0]?.ts).toBe(Date.parse("2026-12-07T10:00:00Z") / 1000);
  });
});
