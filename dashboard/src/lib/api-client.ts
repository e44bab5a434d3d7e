// The typed HTTP client for the MaintainX API: JSON in and out, every failure turned into an ApiError
// that carries the server's RFC 9457 problem details, so views can show the API's own message.
// Every call carries the session's bearer token; a 401 ends the session, which sends the user to login.
import { env } from "@/config/env";
import { sessionStore } from "@/lib/session";
import type { Problem } from "@/types/api";

/** An API call that failed: a problem+json answer, an unexpected body, or no answer at all (status 0). */
export class ApiError extends Error {
  readonly problem: Problem;
  /** The parsed JSON body, when there was one (e.g. /api/health's body on a 503). */
  readonly body: unknown;

  constructor(problem: Problem, body: unknown = undefined) {
    super(problem.detail ?? problem.title);
    this.name = "ApiError";
    this.problem = problem;
    this.body = body;
  }

  get status(): number {
    return this.problem.status;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseErrors(value: unknown): Problem["errors"] {
  if (!Array.isArray(value)) return undefined;
  return value.filter(isRecord).map((e) => ({
    loc: Array.isArray(e.loc) ? e.loc.filter((p) => typeof p === "string" || typeof p === "number") : [],
    msg: typeof e.msg === "string" ? e.msg : String(e.msg),
  }));
}

/** Build the Problem for a failed response from its status and body text; never throws. */
export function parseProblem(
  status: number,
  statusText: string,
  bodyText: string,
): { problem: Problem; body: unknown } {
  let body: unknown = undefined;
  try {
    body = bodyText === "" ? undefined : JSON.parse(bodyText);
  } catch {
    // Not JSON (a proxy's HTML error page, say): fall back to the status line below.
  }
  const fallbackTitle = statusText || `HTTP ${status}`;
  if (!isRecord(body)) {
    return { problem: { type: "about:blank", title: fallbackTitle, status }, body };
  }
  const problem: Problem = {
    type: typeof body.type === "string" ? body.type : "about:blank",
    title: typeof body.title === "string" ? body.title : fallbackTitle,
    status: typeof body.status === "number" ? body.status : status,
  };
  if (typeof body.detail === "string") problem.detail = body.detail;
  // FastAPI's own default error shape is {"detail": [...]} or {"detail": "..."}; read it too.
  else if (Array.isArray(body.detail)) problem.errors = parseErrors(body.detail) ?? [];
  const errors = parseErrors(body.errors);
  if (errors) problem.errors = errors;
  if (problem.detail === undefined && problem.errors && problem.errors.length > 0) {
    problem.detail = problem.errors.map((e) => `${e.loc.join(".")}: ${e.msg}`).join("; ");
  }
  return { problem, body };
}

/** A human-readable message for any error a query or mutation can throw. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    return error.problem.detail ? `${error.problem.title}: ${error.problem.detail}` : error.problem.title;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

export type QueryParams = Record<string, string | number | boolean | null | undefined>;

/** Join the API prefix, a path and the query parameters that are set. */
export function buildUrl(base: string, path: string, params: QueryParams = {}): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null) query.set(key, String(value));
  }
  const qs = query.toString();
  return `${base}${path}${qs ? `?${qs}` : ""}`;
}

interface RequestOptions {
  method?: "GET" | "PATCH" | "POST" | "PUT" | "DELETE";
  params?: QueryParams;
  body?: unknown;
  /** Bytes sent as they are (a file upload) instead of a JSON body. */
  rawBody?: Blob;
  signal?: AbortSignal;
  /** Return the answer's bytes as a Blob instead of parsing JSON (a file download). */
  asBlob?: boolean;
}

/** Call the API and return its JSON answer typed as T; throws ApiError on any failure. */
export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = "GET", params, body, rawBody, signal, asBlob = false } = options;
  const headers: Record<string, string> = { Accept: "application/json, application/problem+json" };
  const session = sessionStore.get();
  if (session) headers.Authorization = `Bearer ${session.token}`;
  const init: RequestInit = { method, headers };
  if (signal) init.signal = signal;
  if (rawBody !== undefined) {
    init.body = rawBody;
    init.headers = { ...init.headers, "Content-Type": "application/octet-stream" };
  } else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { ...init.headers, "Content-Type": "application/json" };
  }
  let response: Response;
  try {
    response = await fetch(buildUrl(env.apiUrl, path, params), init);
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === "AbortError") throw cause;
    throw new ApiError({
      type: "about:blank",
      title: "API unreachable",
      status: 0,
      detail: errorMessage(cause),
    });
  }
  if (asBlob && response.ok) return (await response.blob()) as T;
  const text = await response.text();
  if (!response.ok) {
    const { problem, body: errorBody } = parseProblem(response.status, response.statusText, text);
    // The token expired or was revoked: sign out (only if it is still the token this call used).
    if (response.status === 401 && session && sessionStore.get()?.token === session.token)
      sessionStore.clear();
    throw new ApiError(problem, errorBody);
  }
  if (response.status === 204 || text === "") return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError({
      type: "about:blank",
      title: "Unreadable API answer",
      status: response.status,
      detail: `${method} ${path} did not return JSON`,
    });
  }
}

export const api = {
  get: <T>(path: string, params?: QueryParams, signal?: AbortSignal) =>
    apiRequest<T>(path, { params: params ?? {}, ...(signal ? { signal } : {}) }),
  patch: <T>(path: string, body: unknown) => apiRequest<T>(path, { method: "PATCH", body }),
  post: <T>(path: string, body: unknown) => apiRequest<T>(path, { method: "POST", body }),
  put: <T>(path: string, body: unknown) => apiRequest<T>(path, { method: "PUT", body }),
  delete: <T = void>(path: string) => apiRequest<T>(path, { method: "DELETE" }),
  /** POST a file's bytes, with query parameters (e.g. its name). */
  upload: <T>(path: string, params: QueryParams, file: Blob) =>
    apiRequest<T>(path, { method: "POST", params, rawBody: file }),
  /** GET a file's bytes with the session's token (an <a href> could not send it). */
  download: (path: string) => apiRequest<Blob>(path, { asBlob: true }),
};
