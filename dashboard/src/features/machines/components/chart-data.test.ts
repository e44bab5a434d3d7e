// API series to uPlot columns: seconds on x, gaps kept as null.
import { describe, expect, it } from "vitest";

import { overlayRisk, predictionColumns, readingColumns, windowSeconds } from "./chart-data";

describe("chart data", () => {
  it("lays reading points out as uPlot columns in seconds, keeping gaps as null", () => {
    const columns = readingColumns([
      { ts: "2026-11-26T20:00:00Z", temperature: 70, vibration: 2.1, rpm: 1500 },
      { ts: "2026-11-26T20:00:01.500Z", temperature: null, vibration: 2.2, rpm: 1490 },
    ]);
    const t0 = Date.parse("2026-11-26T20:00:00Z") / 1000;
    expect(columns).toEqual([
      [t0, t0 + 1.5],
      [70, null],
      [2.1, 2.2],
      [1500, 1490],
    ]);
  });

  it("lays prediction points out as risk and anomaly columns", () => {
    const columns = predictionColumns([
      {
        ts: "2026-11-26T20:00:00Z",
        failure_prob: 0.8,
        anomaly_score: 0.3,
        is_anomaly: false,
        model_version: "v1",
      },
    ]);
    expect(columns).toEqual([[Date.parse("2026-11-26T20:00:00Z") / 1000], [0.8], [0.3]]);
  });

  it("gives the response's window in seconds, or nothing before data arrive", () => {
    expect(windowSeconds({ start: "1970-01-01T00:00:10Z", end: "1970-01-01T01:00:10Z" })).toEqual([10, 3610]);
    expect(windowSeconds(undefined)).toBeUndefined();
  });

  it("joins the risk onto a signal's time axis, keeping the signal's gaps and leaving the rest open", () => {
    const joined = overlayRisk(
      [
        [10, 20, 30],
        [1, null, 3],
      ],
      [
        [15, 30],
        [0.5, 0.9],
      ],
    );
    expect(joined).toEqual([
      [10, 15, 20, 30],
      [1, undefined, null, 3],
      [undefined, 0.5, undefined, 0.9],
    ]);
  });

  it("gives a signal without predictions an all-empty risk series of the same length", () => {
    expect(
      overlayRisk(
        [
          [10, 20],
          [1, 2],
        ],
        [[], []],
      ),
    ).toEqual([
      [10, 20],
      [1, 2],
      [null, null],
    ]);
  });
});
