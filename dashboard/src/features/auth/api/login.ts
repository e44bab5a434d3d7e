// POST /api/auth/login: trade an email and password for an access token; sign out locally.
import { useMutation } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { type Session, sessionFromLogin, sessionStore } from "@/lib/session";
import type { Credentials, LoginResponse } from "@/types/api";

export async function login(credentials: Credentials): Promise<Session> {
  const answer = await api.post<LoginResponse>("/auth/login", credentials);
  return sessionFromLogin(answer);
}

export function useLogin() {
  return useMutation({
    mutationFn: login,
    onSuccess: (session) => sessionStore.set(session),
  });
}

/** Forget the token (it simply expires on the server). */
export function logout(): void {
  sessionStore.clear();
}
