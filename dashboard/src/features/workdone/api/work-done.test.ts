import { describe, expect, it } from "vitest";

import { fileProblem, formatMinutes, MAX_ATTACHMENT_BYTES, minutesProblem } from "./work-done";

describe("work done checks", () => {
  it("takes whole minutes from 1 to a week", () => {
    expect(minutesProblem("45")).toBeNull();
    for (const bad of ["", "0", "-3", "1.5", "abc"]) expect(minutesProblem(bad)).not.toBeNull();
    expect(minutesProblem(String(7 * 24 * 60 + 1))).toMatch(/week/);
  });

  it("refuses empty and oversized files before sending them", () => {
    expect(fileProblem({ size: 0 })).toMatch(/empty/);
    expect(fileProblem({ size: MAX_ATTACHMENT_BYTES })).toBeNull();
    expect(fileProblem({ size: MAX_ATTACHMENT_BYTES + 1 })).toMatch(/MiB/);
  });

  it("formats minutes as hours and minutes", () => {
    expect(formatMinutes(45)).toBe("45 min");
    expect(formatMinutes(60)).toBe("1 h");
    expect(formatMinutes(85)).toBe("1 h 25 min");
  });
});
