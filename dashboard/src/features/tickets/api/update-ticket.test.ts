// The ticket lifecycle as the board offers it: one step forward at a time.
import { describe, expect, it } from "vitest";

import { nextStatus } from "./update-ticket";

describe("nextStatus", () => {
  it("moves a ticket one step forward and no further", () => {
    expect(nextStatus("OPEN")).toBe("IN_PROGRESS");
    expect(nextStatus("IN_PROGRESS")).toBe("RESOLVED");
    expect(nextStatus("RESOLVED")).toBeNull();
  });
});
