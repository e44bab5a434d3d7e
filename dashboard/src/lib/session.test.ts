// The session store: survives a reload through storage, forgets expired or damaged sessions, tells listeners.
import { describe, expect, it, vi } from "vitest";

import { SESSION_KEY, type Session, SessionStore, type KeyValueStore } from "./session";

function memoryStorage(initial: Record<string, string> = {}): KeyValueStore & { data: Map<string, string> } {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => {
      data.set(k, v);
    },
    removeItem: (k) => {
      data.delete(k);
    },
  };
}

const NOW = new Date("2026-11-26T12:00:00Z");
const session: Session = {
  token: "tok",
  expiresAt: "2026-11-26T20:00:00Z",
  user: {
    id: "u1",
    email: "tech@demo",
    full_name: "Tess Tech",
    role: "technician",
    location: null,
    is_active: true,
    created_at: "2026-11-01T00:00:00Z",
  },
};

describe("SessionStore", () => {
  it("keeps a session in storage so a reload finds it", () => {
    const storage = memoryStorage();
    new SessionStore(storage, () => NOW).set(session);
    expect(new SessionStore(storage, () => NOW).get()).toEqual(session);
  });

  it("drops an expired session, on load and later", () => {
    const storage = memoryStorage({ [SESSION_KEY]: JSON.stringify(session) });
    expect(new SessionStore(storage, () => new Date("2026-11-26T21:00:00Z")).get()).toBeNull();
    expect(storage.data.has(SESSION_KEY)).toBe(false);

    let now = NOW;
    const store = new SessionStore(memoryStorage(), () => now);
    store.set(session);
    now = new Date("2026-11-26T20:00:01Z");
    expect(store.get()).toBeNull();
  });

  it("treats a damaged storage entry as signed out", () => {
    const storage = memoryStorage({ [SESSION_KEY]: "{not json" });
    expect(new SessionStore(storage, () => NOW).get()).toBeNull();
    expect(new SessionStore(memoryStorage({ [SESSION_KEY]: '{"token": 1}' }), () => NOW).get()).toBeNull();
  });

  it("tells listeners about sign-in and sign-out, once each", () => {
    const store = new SessionStore(memoryStorage(), () => NOW);
    const listener = vi.fn();
    store.subscribe(listener);
    store.set(session);
    store.clear();
    store.clear();
    expect(listener.mock.calls).toEqual([[session], [null]]);
  });

  it("works without storage (memory only)", () => {
    const store = new SessionStore(null, () => NOW);
    store.set(session);
    expect(store.get()?.token).toBe("tok");
  });
});
