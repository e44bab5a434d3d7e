// The start-up check of the environment: defaults, and a clear error naming a bad variable.
import { describe, expect, it } from "vitest";

import { parseEnv } from "./env";

describe("parseEnv", () => {
  it("defaults to the same-origin API and a 3 s poll", () => {
    expect(parseEnv({})).toEqual({ apiUrl: "/api", pollIntervalMs: 3000 });
  });
  it("accepts an absolute API URL and strips trailing slashes", () => {
    expect(parseEnv({ VITE_API_URL: "http://127.0.0.1:8000/api/" }).apiUrl).toBe("http://127.0.0.1:8000/api");
  });
  it("refuses a poll interval that is not a sane integer, naming the variable", () => {
    expect(() => parseEnv({ VITE_POLL_INTERVAL_MS: "10" })).toThrow(/VITE_POLL_INTERVAL_MS/);
    expect(() => parseEnv({ VITE_POLL_INTERVAL_MS: "fast" })).toThrow(/VITE_POLL_INTERVAL_MS/);
  });
  it("refuses an API URL that is neither a path nor http(s)", () => {
    expect(() => parseEnv({ VITE_API_URL: "ftp://x" })).toThrow(/VITE_API_URL/);
  });
});
