import { formatNumber } from "@/lib/format";
import type { ReadingPoint } from "@/types/api";

// One machine's latest temperature, vibration and speed, with their units; shared by the fleet card
// and the machine page so both always show the same signals the same way.
export function ReadingsList({
  reading,
  large = false,
}: {
  reading: ReadingPoint | null | undefined;
  large?: boolean;
}) {
  return (
    <dl className={large ? "readings readings--large" : "readings"}>
      <div>
        <dt>Temperature</dt>
        <dd>{formatNumber(reading?.temperature, 1, "°C")}</dd>
      </div>
      <div>
        <dt>Vibration</dt>
        <dd>{formatNumber(reading?.vibration, 2, "mm/s")}</dd>
      </div>
      <div>
        <dt>Speed</dt>
        <dd>{formatNumber(reading?.rpm, 0, "rpm")}</dd>
      </div>
    </dl>
  );
}
