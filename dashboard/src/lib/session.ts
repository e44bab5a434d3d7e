// The signed-in session: the access token and who it belongs to, kept in memory and mirrored to
// sessionStorage so a reload keeps the user signed in (but a new tab or a closed browser does not).
import { useSyncExternalStore } from "react";

import type { LoginResponse, User } from "@/types/api";

export interface Session {
  token: string;
  expiresAt: string;
  user: User;
}

export const SESSION_KEY = "maintainx.session";

/** The subset of the Storage API the session needs, so tests can hand in a plain object. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

type Listener = (session: Session | null) => void;

function isSession(value: unknown): value is Session {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.token === "string" &&
    typeof v.expiresAt === "string" &&
    typeof v.user === "object" &&
    v.user !== null &&
    typeof (v.user as Record<string, unknown>).role === "string"
  );
}

/** Whether a session is past its expiry (or has an unreadable one) at ``now``. */
export function isExpired(session: Session, now: Date = new Date()): boolean {
  const expires = Date.parse(session.expiresAt);
  return Number.isNaN(expires) || expires <= now.getTime();
}

/** A session from the login answer. */
export function sessionFromLogin(login: LoginResponse): Session {
  return { token: login.access_token, expiresAt: login.expires_at, user: login.user };
}

/** Holds the current session; views subscribe to hear about sign-in and sign-out. */
export class SessionStore {
  private current: Session | null;
  private readonly listeners = new Set<Listener>();
  private readonly storage: KeyValueStore | null;
  private readonly now: () => Date;

  constructor(storage: KeyValueStore | null, now: () => Date = () => new Date()) {
    this.storage = storage;
    this.now = now;
    this.current = this.load();
  }

  /** The session if there is one that has not expired; an expired one is dropped on the way. */
  get(): Session | null {
    if (this.current && isExpired(this.current, this.now())) this.clear();
    return this.current;
  }

  set(session: Session): void {
    this.current = session;
    this.storage?.setItem(SESSION_KEY, JSON.stringify(session));
    this.emit();
  }

  clear(): void {
    const had = this.current !== null;
    this.current = null;
    this.storage?.removeItem(SESSION_KEY);
    if (had) this.emit();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const listener of this.listeners) listener(this.current);
  }

  private load(): Session | null {
    const raw = this.storage?.getItem(SESSION_KEY);
    if (!raw) return null;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (isSession(parsed) && !isExpired(parsed, this.now())) return parsed;
    } catch {
      // A damaged entry is the same as none.
    }
    this.storage?.removeItem(SESSION_KEY);
    return null;
  }
}

function browserStorage(): KeyValueStore | null {
  try {
    return typeof window === "undefined" ? null : window.sessionStorage;
  } catch {
    return null; // storage disabled: keep the session in memory only
  }
}

export const sessionStore = new SessionStore(browserStorage());

/** The current session; re-renders on sign-in and sign-out. */
export function useSession(): Session | null {
  return useSyncExternalStore(
    (listener) => sessionStore.subscribe(listener),
    () => sessionStore.get(),
  );
}
