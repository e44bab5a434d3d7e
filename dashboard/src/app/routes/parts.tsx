// Route "/parts": the parts catalogue with stock and its notices.
import { PartsPage } from "@/features/parts/components/parts-page";

export function PartsRoute() {
  return <PartsPage />;
}
