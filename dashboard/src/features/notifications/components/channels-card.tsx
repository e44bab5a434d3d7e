// Channels (engineers): the list with on/off, send test and remove, and a form to add an e-mail or webhook
// channel. A webhook's secret can be set here but is never shown again (the API does not return it).
import { type FormEvent, useState } from "react";

import { Empty, ErrorBanner, Loading } from "@/components/feedback";

import {
  useChannels,
  useCreateChannel,
  useDeleteChannel,
  useSendTest,
  useUpdateChannel,
} from "../api/notifications";
import { type ChannelDraft, type Errors, parseChannel } from "../api/forms";

const EMPTY: ChannelDraft = { name: "", kind: "webhook", url: "", format: "generic", secret: "" };

function AddChannel() {
  const create = useCreateChannel();
  const [draft, setDraft] = useState(EMPTY);
  const [errors, setErrors] = useState<Errors>({});
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const parsed = parseChannel(draft);
    setErrors(parsed.errors);
    if (parsed.body) create.mutate(parsed.body, { onSuccess: () => setDraft(EMPTY) });
  };
  const field = (key: keyof ChannelDraft, label: string, type = "text") => (
    <label className="field">
      <span>{label}</span>
      <input
        name={key}
        type={type}
        value={draft[key]}
        aria-invalid={errors[key] ? true : undefined}
        onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
      />
      {errors[key] && (
        <span className="form-error" role="alert">
          {errors[key]}
        </span>
      )}
    </label>
  );
  return (
    <form onSubmit={submit} aria-label="Add channel" data-testid="add-channel">
      <div className="filters">
        {field("name", "Name")}
        <label className="field">
          <span>Kind</span>
          <select
            name="kind"
            value={draft.kind}
            onChange={(e) => setDraft({ ...draft, kind: e.target.value as ChannelDraft["kind"] })}
          >
            <option value="webhook">Webhook</option>
            <option value="email">E-mail</option>
          </select>
        </label>
        {draft.kind === "webhook" && (
          <>
            {field("url", "URL", "url")}
            <label className="field">
              <span>Format</span>
              <select
                name="format"
                value={draft.format}
                onChange={(e) => setDraft({ ...draft, format: e.target.value as ChannelDraft["format"] })}
              >
                <option value="generic">Generic JSON (CMMS / ERP)</option>
                <option value="slack">Slack</option>
                <option value="teams">Microsoft Teams</option>
              </select>
            </label>
            {field("secret", "Signing secret (optional)", "password")}
          </>
        )}
      </div>
      {create.isError && <ErrorBanner error={create.error} title="Could not add the channel" />}
      <div className="actions">
        <button type="submit" className="button button--primary" disabled={create.isPending}>
          Add channel
        </button>
      </div>
    </form>
  );
}

export function ChannelsCard() {
  const channels = useChannels();
  const update = useUpdateChannel();
  const remove = useDeleteChannel();
  const test = useSendTest();
  const [sent, setSent] = useState<Record<string, number>>({});
  return (
    <section className="card" aria-labelledby="channels-title">
      <h2 className="card-title" id="channels-title">
        Channels
      </h2>
      {channels.isPending && <Loading what="channels" />}
      {channels.isError && <ErrorBanner error={channels.error} title="Could not load channels" />}
      {channels.data?.length === 0 && <Empty>No channel yet: add an e-mail or webhook channel below.</Empty>}
      {channels.data && channels.data.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col">Target</th>
                <th scope="col">On</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {channels.data.map((c) => (
                <tr key={c.id} data-testid="channel-row" data-channel-name={c.name}>
                  <th scope="row">{c.name}</th>
                  <td>{c.kind === "email" ? "E-mail" : `Webhook (${c.format})`}</td>
                  <td className="small">
                    {c.url ?? "people named by rules"}
                    {c.has_secret && <span className="muted"> · signed with its own secret</span>}
                  </td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`${c.name} enabled`}
                      checked={c.enabled}
                      onChange={(e) => update.mutate({ id: c.id, changes: { enabled: e.target.checked } })}
                    />
                  </td>
                  <td className="actions">
                    <button
                      type="button"
                      className="button"
                      onClick={() =>
                        test.mutate(c.id, { onSuccess: (r) => setSent({ ...sent, [c.id]: r.delivery_id }) })
                      }
                    >
                      Send test
                    </button>
                    {sent[c.id] !== undefined && (
                      <span className="small muted" role="status">
                        Test queued as delivery #{sent[c.id]}
                      </span>
                    )}
                    <button
                      type="button"
                      className="button button--ghost"
                      onClick={() => remove.mutate(c.id)}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {test.isError && <ErrorBanner error={test.error} title="Could not send the test" />}
      <AddChannel />
    </section>
  );
}
