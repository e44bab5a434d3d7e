import { describe, expect, it } from "vitest";

import { noticeText, partProblem } from "./parts";

describe("parts", () => {
  it("checks a part before sending it", () => {
    const ok = { sku: "6204-2RS", name: "Bearing", stock: "5", min_stock: "2" };
    expect(partProblem(ok)).toBeNull();
    expect(partProblem({ ...ok, sku: " 6204" })).toMatch(/SKU/);
    expect(partProblem({ ...ok, stock: "-1" })).toMatch(/Stock/);
    expect(partProblem({ ...ok, min_stock: "1.5" })).toMatch(/Minimum/);
  });

  it("says a below-minimum notice in words", () => {
    const notice = {
      id: 1,
      kind: "part_below_minimum",
      part_id: "p",
      ticket_id: null,
      data: { sku: "6204-2RS", name: "Bearing 6204", stock: 2, min_stock: 3 },
      created_at: "",
      acknowledged_at: null,
    };
    expect(noticeText(notice)).toBe("Bearing 6204 (6204-2RS) is down to 2, below its minimum of 3.");
  });
});
