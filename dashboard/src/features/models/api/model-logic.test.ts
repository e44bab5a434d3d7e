import { describe, expect, it } from "vitest";

import type { User } from "@/types/api";

import {
  flattenMetrics,
  headlineMetrics,
  managesModels,
  parityText,
  parseStages,
  rolloutRequest,
} from "./model-logic";

describe("headlineMetrics", () => {
  it("reads the failure classifier's figures from a trained manifest", () => {
    const metrics = { failure: { f1: 0.81, precision: 0.9, recall: 0.74, roc_auc: 0.97 }, train_seconds: 3 };
    expect(headlineMetrics(metrics)).toEqual({ f1: 0.81, precision: 0.9, recall: 0.74, auc: 0.97 });
  });

  it("reads flat metrics and leaves missing or non-numeric ones empty", () => {
    expect(headlineMetrics({ f1: 0.5, auc: 0.6, recall: "n/a" })).toEqual({
      f1: 0.5,
      precision: null,
      recall: null,
      auc: 0.6,
    });
  });
});

describe("flattenMetrics", () => {
  it("turns nested objects into dotted paths and lists into text", () => {
    expect(flattenMetrics({ failure: { f1: 0.8 }, test_machines: [1, 2], n: 3 })).toEqual([
      ["failure.f1", "0.8"],
      ["test_machines", "1, 2"],
      ["n", "3"],
    ]);
  });

  it("gives nothing for a non-object", () => {
    expect(flattenMetrics(null)).toEqual([]);
  });
});

describe("parityText", () => {
  it("shows the largest max_abs_diff and a dash without one", () => {
    expect(parityText({ failure_prob_max_abs_diff: 2e-7, anomaly_max_abs_diff: 5e-6, rows: 10 })).toBe(
      "Δ ≤ 5.0e-6",
    );
    expect(parityText({})).toBe("—");
  });
});

describe("parseStages", () => {
  it("reads percentages as shares", () => {
    expect(parseStages("10, 50, 100")).toEqual([0.1, 0.5, 1]);
    expect(parseStages("25% 100%")).toEqual([0.25, 1]);
  });

  it("says what is wrong with a bad list", () => {
    expect(parseStages("")).toMatch(/at least one/);
    expect(parseStages("50, 20, 100")).toMatch(/rise/);
    expect(parseStages("10, 50")).toMatch(/last stage/);
    expect(parseStages("0, 100")).toMatch(/above 0/);
    expect(parseStages("ten, 100")).toMatch(/percentage/);
  });
});

describe("rolloutRequest", () => {
  it("builds the body for a group and for every gateway", () => {
    expect(rolloutRequest("v2", "group", " hall-a ", "50,100", "shadow")).toEqual({
      ref: "v2",
      target: { key: "group", value: "hall-a" },
      stages: [0.5, 1],
      mode: "shadow",
    });
    expect(rolloutRequest("v2", "all", "ignored", "100", "deploy")).toEqual({
      ref: "v2",
      target: { key: "all" },
      stages: [1],
      mode: "deploy",
    });
  });

  it("asks for what is missing", () => {
    expect(rolloutRequest("", "all", "", "100", "deploy")).toMatch(/version/);
    expect(rolloutRequest("v2", "tag", "  ", "100", "deploy")).toMatch(/tag/);
  });
});

describe("managesModels", () => {
  const user = (role: User["role"]) => ({ role }) as User;
  it("lets engineers and admins change models, not technicians", () => {
    expect(managesModels(user("engineer"))).toBe(true);
    expect(managesModels(user("admin"))).toBe(true);
    expect(managesModels(user("technician"))).toBe(false);
  });
});
