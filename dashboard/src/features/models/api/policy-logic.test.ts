// The Policy card's checks agree with the API's rules and read the API's 422 back onto the fields.
import { describe, expect, it } from "vitest";

import { ApiError } from "@/lib/api-client";
import type { PolicyKnob, PolicyValues } from "@/types/api";

import {
  fromDisplay,
  parsePolicy,
  POLICY_FIELDS,
  type PolicyField,
  serverFieldErrors,
  toDisplay,
  validatePolicy,
} from "./policy-logic";

const DEFAULTS: PolicyValues = {
  enter_threshold: 0.7,
  exit_threshold: 0.4,
  required: 3,
  window: 5,
  max_age_s: 600,
  cooldown_s: 300,
  high_threshold: 0.8,
  critical_threshold: 0.9,
  horizon_h: 24,
  high_ttf_h: 12,
  critical_ttf_h: 4,
};

function spec(key: PolicyField) {
  const found = POLICY_FIELDS.find((f) => f.key === key);
  if (!found) throw new Error(`no field ${key}`);
  return found;
}

function asTexts(values: PolicyValues): Record<PolicyField, string> {
  return Object.fromEntries(POLICY_FIELDS.map((f) => [f.key, toDisplay(f, values[f.key])])) as Record<
    PolicyField,
    string
  >;
}

describe("ticket policy form", () => {
  it("lists every knob once", () => {
    expect(new Set(POLICY_FIELDS.map((f) => f.key))).toEqual(new Set(Object.keys(DEFAULTS)));
  });

  it("shows probabilities in percent and reads them back as fractions", () => {
    expect(toDisplay(spec("enter_threshold"), 0.7)).toBe("70");
    expect(fromDisplay(spec("enter_threshold"), "85.5")).toBeCloseTo(0.855);
    expect(fromDisplay(spec("cooldown_s"), " 120 ")).toBe(120);
    expect(fromDisplay(spec("cooldown_s"), "")).toBeNull();
    expect(fromDisplay(spec("cooldown_s"), "soon")).toBeNull();
  });

  it("accepts the defaults round-tripped through the form", () => {
    const parsed = parsePolicy(asTexts(DEFAULTS));
    expect(parsed.errors).toEqual({});
    expect(parsed.values.enter_threshold).toBeCloseTo(0.7);
    expect(parsed.values.required).toBe(3);
  });

  it.each<[Partial<PolicyValues>, PolicyField]>([
    [{ exit_threshold: 0.7 }, "exit_threshold"],
    [{ required: 6 }, "required"],
    [{ required: 0 }, "required"],
    [{ enter_threshold: 1.2 }, "enter_threshold"],
    [{ critical_threshold: 0 }, "critical_threshold"],
    [{ high_threshold: 0.95 }, "high_threshold"],
    [{ high_threshold: 0.6 }, "high_threshold"],
    [{ cooldown_s: 0 }, "cooldown_s"],
    [{ critical_ttf_h: 13 }, "critical_ttf_h"],
    [{ high_ttf_h: 30 }, "high_ttf_h"],
  ])("refuses %o on the field the API names (%s)", (change, field) => {
    const errors = validatePolicy({ ...DEFAULTS, ...change });
    expect(Object.keys(errors)).toContain(field);
  });

  it("checks each knob against the bounds the server declares, in the card's units", () => {
    const knob = (name: string, low: number, high: number, lowInclusive = false): PolicyKnob => ({
      name,
      unit: "",
      description: "",
      integer: false,
      low,
      low_inclusive: lowInclusive,
      high,
      default: low,
      env: "",
    });
    const knobs = [knob("exit_threshold", 0, 0.99), knob("cooldown_s", 1, 2_592_000, true)];
    // An exit level of 99.5% passes the coarse "at most 100%" but not the declared 99%.
    const high = {
      ...DEFAULTS,
      exit_threshold: 0.995,
      enter_threshold: 0.999,
      high_threshold: 0.9992,
      critical_threshold: 0.9995,
    };
    expect(validatePolicy(high)).toEqual({});
    expect(validatePolicy(high, knobs).exit_threshold).toBe("must be above 0% and at most 99%");
    expect(validatePolicy({ ...DEFAULTS, cooldown_s: 0.5 }, knobs).cooldown_s).toBe(
      "must be at least 1 s and at most 2592000 s",
    );
    expect(validatePolicy({ ...DEFAULTS, cooldown_s: 1 }, knobs)).toEqual({});
  });

  it("flags text that is not a (whole) number before checking the rules", () => {
    const texts = { ...asTexts(DEFAULTS), window: "five", required: "2.5" };
    expect(parsePolicy(texts).errors).toEqual({
      window: "must be a number",
      required: "must be a whole number",
    });
  });

  it("puts a 422's messages on the fields its loc names and ignores other errors", () => {
    const error = new ApiError({
      type: "about:blank",
      title: "Unprocessable Content",
      status: 422,
      errors: [
        { loc: ["body", "exit_threshold"], msg: "exit_threshold must be below enter_threshold" },
        { loc: ["body"], msg: "whatever" },
      ],
    });
    expect(serverFieldErrors(error)).toEqual({
      exit_threshold: "exit_threshold must be below enter_threshold",
    });
    expect(serverFieldErrors(new Error("offline"))).toEqual({});
  });
});
