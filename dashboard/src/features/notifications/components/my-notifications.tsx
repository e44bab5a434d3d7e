// The signed-in person's own switches: each e-mail channel that can reach them, on or off.
import { useState } from "react";

import { Empty, ErrorBanner, Loading } from "@/components/feedback";

import { usePreferences, useSetPreference } from "../api/notifications";

export function MyNotifications() {
  const preferences = usePreferences();
  const set = useSetPreference();
  // A switch shows what was asked for from the click on, until the save settles: React re-renders in the
  // click itself, while the query cache's optimistic update lands a tick later (and a controlled checkbox
  // would flip back meanwhile).
  const [asked, setAsked] = useState<Record<string, boolean>>({});
  const flip = (channelId: string, enabled: boolean) => {
    setAsked((now) => ({ ...now, [channelId]: enabled }));
    set.mutate(
      { channelId, enabled },
      {
        onSettled: () =>
          setAsked((now) => Object.fromEntries(Object.entries(now).filter(([id]) => id !== channelId))),
      },
    );
  };
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
              checked={asked[p.channel_id] ?? p.enabled}
              onChange={(e) => flip(p.channel_id, e.target.checked)}
            />{" "}
            E-mail me from <strong>{p.channel_name}</strong>
          </span>
        </label>
      ))}
      {set.isError && <ErrorBanner error={set.error} title="Could not save" />}
    </section>
  );
}
