// GET /api/exports/{dataset}.csv: downloaded with the session's token (a plain link cannot send it), then
// handed to the browser as a file.
import { env } from "@/config/env";
import { ApiError, buildUrl, parseProblem, type QueryParams } from "@/lib/api-client";
import { sessionStore } from "@/lib/session";

export type ExportDataset = "tickets" | "readings" | "predictions";

/** Fetch the export and save it as ``fileName``; throws ApiError with the API's message on a refusal. */
export async function downloadCsv(
  dataset: ExportDataset,
  params: QueryParams,
  fileName: string,
): Promise<void> {
  const session = sessionStore.get();
  const headers: Record<string, string> = { Accept: "text/csv, application/problem+json" };
  if (session) headers.Authorization = `Bearer ${session.token}`;
  const response = await fetch(buildUrl(env.apiUrl, `/exports/${dataset}.csv`, params), { headers });
  if (!response.ok) {
    const { problem, body } = parseProblem(response.status, response.statusText, await response.text());
    throw new ApiError(problem, body);
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}
