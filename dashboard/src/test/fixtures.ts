// Test data shaped like the API's responses, with defaults for every field a test does not care about:
// when the API adds a field, the generated types change and only this file needs the new default.
import type { Machine } from "@/types/api";

/** A machine as GET /api/machines lists it: online on gw-01, no site or line, no data yet. */
export function testMachine(over: Partial<Machine> = {}): Machine {
  return {
    id: "m1",
    name: "m1",
    type: "pump",
    location: null,
    created_at: "",
    gateway_id: "gw-01",
    online: true,
    latest_reading: null,
    latest_prediction: null,
    open_tickets: 0,
    site_id: null,
    site_name: null,
    line_id: null,
    line_name: null,
    pending: false,
    engineer_fields: [],
    ...over,
  };
}
