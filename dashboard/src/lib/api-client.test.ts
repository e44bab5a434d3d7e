// The API client: problem+json parsing, URLs, and how each kind of failure surfaces.
import { afterEach, describe, expect, it, vi } from "vitest";

import { ApiError, apiRequest, buildUrl, errorMessage, parseProblem } from "./api-client";
import { sessionStore } from "./session";

const SIGNED_IN = {
  token: "token-1",
  expiresAt: "2999-01-01T00:00:00Z",
  user: {
    id: "u1",
    email: "engineer@demo",
    full_name: "Eve Engineer",
    role: "engineer" as const,
    location: null,
    is_active: true,
    created_at: "2026-11-01T00:00:00Z",
  },
};

describe("parseProblem", () => {
  it("reads an RFC 9457 problem", () => {
    const body = JSON.stringify({
      type: "about:blank",
      title: "Conflict",
      status: 409,
      detail: "ticket can go from OPEN to IN_PROGRESS only",
    });
    expect(parseProblem(409, "Conflict", body).problem).toEqual({
      type: "about:blank",
      title: "Conflict",
      status: 409,
      detail: "ticket can go from OPEN to IN_PROGRESS only",
    });
  });

  it("keeps a validation error's list and builds a detail from it when none is given", () => {
    const body = JSON.stringify({
      type: "about:blank",
      title: "Unprocessable Entity",
      status: 422,
      errors: [{ loc: ["query", "start"], msg: "start must be before end" }],
    });
    const { problem } = parseProblem(422, "", body);
    expect(problem.errors).toEqual([{ loc: ["query", "start"], msg: "start must be before end" }]);
    expect(problem.detail).toBe("query.start: start must be before end");
  });

  it("understands FastAPI's default {detail: [...]} shape", () => {
    const body = JSON.stringify({ detail: [{ loc: ["body", "status"], msg: "bad value", type: "enum" }] });
    const { problem } = parseProblem(422, "Unprocessable Entity", body);
    expect(problem.title).toBe("Unprocessable Entity");
    expect(problem.status).toBe(422);
    expect(problem.detail).toBe("body.status: bad value");
  });

  it("falls back to the status line when the body is not JSON", () => {
    const { problem, body } = parseProblem(502, "Bad Gateway", "<html>proxy error</html>");
    expect(problem).toEqual({ type: "about:blank", title: "Bad Gateway", status: 502 });
    expect(body).toBeUndefined();
  });

  it("invents a title when there is neither body nor status text", () => {
    expect(parseProblem(500, "", "").problem.title).toBe("HTTP 500");
  });

  it("returns the parsed body so callers can read a 503 health report", () => {
    const report = { status: "degraded", database: { ok: false, error: "down" } };
    expect(parseProblem(503, "Service Unavailable", JSON.stringify(report)).body).toEqual(report);
  });
});

describe("buildUrl", () => {
  it("adds only the parameters that are set, encoded", () => {
    expect(buildUrl("/api", "/tickets", { status: "OPEN", machine_id: undefined, limit: 5, x: null })).toBe(
      "/api/tickets?status=OPEN&limit=5",
    );
    expect(buildUrl("/api", "/readings", { start: "2026-11-26T20:00:00+00:00" })).toBe(
      "/api/readings?start=2026-11-26T20%3A00%3A00%2B00%3A00",
    );
    expect(buildUrl("/api", "/machines")).toBe("/api/machines");
  });
});

describe("apiRequest", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  function stubFetch(response: Response | Error) {
    const fetchMock = vi.fn(() =>
      response instanceof Error ? Promise.reject(response) : Promise.resolve(response),
    );
    vi.stubGlobal("fetch", fetchMock);
    return fetchMock;
  }

  it("returns the JSON body of a successful call", async () => {
    const fetchMock = stubFetch(new Response(JSON.stringify([{ id: "gw-01" }]), { status: 200 }));
    await expect(apiRequest("/gateways")).resolves.toEqual([{ id: "gw-01" }]);
    expect(fetchMock).toHaveBeenCalledWith("/api/gateways", expect.objectContaining({ method: "GET" }));
  });

  it("sends a PATCH body as JSON", async () => {
    const fetchMock = stubFetch(new Response("{}", { status: 200 }));
    await apiRequest("/tickets/1", { method: "PATCH", body: { status: "RESOLVED" } });
    const init = (fetchMock.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect(init.body).toBe('{"status":"RESOLVED"}');
    expect(init.headers).toMatchObject({ "Content-Type": "application/json" });
  });

  it("throws an ApiError carrying the problem of a failed call", async () => {
    const problem = {
      type: "about:blank",
      title: "Conflict",
      status: 409,
      detail: "ticket can go from OPEN to IN_PROGRESS only",
    };
    stubFetch(
      new Response(JSON.stringify(problem), {
        status: 409,
        headers: { "Content-Type": "application/problem+json" },
      }),
    );
    const error = await apiRequest("/tickets/1", { method: "PATCH", body: { status: "RESOLVED" } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(409);
    expect(errorMessage(error)).toBe("Conflict: ticket can go from OPEN to IN_PROGRESS only");
  });

  it("turns a network failure into an ApiError with status 0", async () => {
    stubFetch(new TypeError("Failed to fetch"));
    const error = await apiRequest("/health").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(0);
    expect(errorMessage(error)).toBe("API unreachable: Failed to fetch");
  });

  it("rejects a successful answer that is not JSON", async () => {
    stubFetch(new Response("<html></html>", { status: 200 }));
    await expect(apiRequest("/machines")).rejects.toThrow("GET /machines did not return JSON");
  });

  it("sends the session's bearer token", async () => {
    sessionStore.set(SIGNED_IN);
    const fetchMock = stubFetch(new Response("[]", { status: 200 }));
    await apiRequest("/machines");
    const init = (fetchMock.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect(init.headers).toMatchObject({ Authorization: "Bearer token-1" });
    sessionStore.clear();
  });

  it("ends the session on a 401, so the app shows the login page", async () => {
    sessionStore.set(SIGNED_IN);
    const problem = {
      type: "about:blank",
      title: "Unauthorized",
      status: 401,
      detail: "the token has expired",
    };
    stubFetch(new Response(JSON.stringify(problem), { status: 401 }));
    await expect(apiRequest("/machines")).rejects.toBeInstanceOf(ApiError);
    expect(sessionStore.get()).toBeNull();
  });

  it("keeps the session on a 403: signed in, just not allowed", async () => {
    sessionStore.set(SIGNED_IN);
    stubFetch(new Response(JSON.stringify({ title: "Forbidden", status: 403 }), { status: 403 }));
    await expect(apiRequest("/tickets/1", { method: "PATCH", body: {} })).rejects.toBeInstanceOf(ApiError);
    expect(sessionStore.get()?.token).toBe("token-1");
    sessionStore.clear();
  });

  it("returns nothing for a 204", async () => {
    stubFetch(new Response(null, { status: 204 }));
    await expect(apiRequest("/auth/service-tokens/1", { method: "DELETE" })).resolves.toBeUndefined();
  });
});
