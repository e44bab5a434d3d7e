// A card dropped on a column moves only one step forward.
import { describe, expect, it } from "vitest";

import { acceptDrop, dragPayload } from "./drag";

describe("acceptDrop", () => {
  it("takes a card whose next step is this column", () => {
    expect(acceptDrop(dragPayload({ id: "t1", status: "OPEN" }), "IN_PROGRESS")).toEqual({
      id: "t1",
      status: "OPEN",
    });
    expect(acceptDrop(dragPayload({ id: "t1", status: "IN_PROGRESS" }), "RESOLVED")).not.toBeNull();
  });

  it("refuses skipping a step, going back, or staying put", () => {
    expect(acceptDrop(dragPayload({ id: "t1", status: "OPEN" }), "RESOLVED")).toBeNull();
    expect(acceptDrop(dragPayload({ id: "t1", status: "IN_PROGRESS" }), "OPEN")).toBeNull();
    expect(acceptDrop(dragPayload({ id: "t1", status: "OPEN" }), "OPEN")).toBeNull();
  });

  it("ignores anything that is not a dragged ticket", () => {
    expect(acceptDrop("hello", "IN_PROGRESS")).toBeNull();
    expect(acceptDrop('{"id": 3}', "IN_PROGRESS")).toBeNull();
  });
});
