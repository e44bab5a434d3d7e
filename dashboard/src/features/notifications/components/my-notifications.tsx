// The signed-in person's own switches: each e-mail channel that can reach them, on or off.
import { Empty, ErrorBanner, Loading } from "@/components/feedback";

import { usePreferences, useSetPreference } from "../api/notifications";

export function MyNotifications() {
  const preferences = usePreferences();
  const set = useSetPreference();
  return (
    <section className="card" aria-labelledby="mine-title">
      <h2 className="card-title" id="mine-title">
        My notifications
      </h2>
      {preferences.isPending && <Loading what="your notification settings" />}
      {preferences.isError && <ErrorBanner error={preferences.error} title="Could not load your settings" />}
      {preferences.data?.length === 0 && <Empty>No e-mail channel is set up yet.</Empty>}
      {preferences.data?.map((p) => (
        <label key={p.channel_id} className="field" data-testid="my-channel">
          <span>
            <input
              type="checkbox"
              aria-label={`E-mail me from ${p.channel_name}`}
              checked={p.enabled}
              onChange={(e) => set.mutate({ channelId: p.channel_id, enabled: e.target.checked })}
            />{" "}
            E-mail me from <strong>{p.channel_name}</strong>
          </span>
        </label>
      ))}
      {set.isError && <ErrorBanner error={set.error} title="Could not save" />}
    </section>
  );
}
