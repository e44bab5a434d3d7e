// The sign-in page: email and password; says plainly when they are wrong or when to try again. In the demo
// it lists the demo's logins (one click fills the form) and links the API documentation.
import { type FormEvent, useState } from "react";

import { ApiError, errorMessage } from "@/lib/api-client";
import type { DemoInfo } from "@/types/api";

import { useDemoInfo } from "../api/demo-logins";
import { useLogin } from "../api/login";

function loginError(error: unknown): string {
  if (error instanceof ApiError && error.status === 401) return "Wrong email or password.";
  if (error instanceof ApiError && error.status === 429) {
    const body = error.body as { retry_after?: number } | undefined;
    const wait = body?.retry_after ? ` in ${body.retry_after} s` : " later";
    return `Too many attempts. Try again${wait}.`;
  }
  return errorMessage(error);
}

function DemoLogins({ info, choose }: { info: DemoInfo; choose: (email: string) => void }) {
  if (!info.demo || !info.password || info.logins.length === 0) return null;
  return (
    <section className="card login__demo" aria-label="Demo logins" data-testid="demo-logins">
      <p>
        This is the demo. Sign in as any of these with the password <code>{info.password}</code>:
      </p>
      <ul className="login__demo-list">
        {info.logins.map((login) => (
          <li key={login.email}>
            <button type="button" className="button button--ghost" onClick={() => choose(login.email)}>
              {login.email}
            </button>{" "}
            <span className="muted small">{login.role}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function LoginForm() {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const loginMutation = useLogin();
  const demo = useDemoInfo();
  const chooseDemoLogin = (demoEmail: string) => {
    setEmail(demoEmail);
    setPassword(demo?.password ?? "");
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    loginMutation.mutate({ email: email.trim(), password });
  };

  return (
    <div className="login">
      <form className="card login__form" onSubmit={submit} aria-label="Sign in">
        <h1 className="login__title">
          <img src="/favicon.svg" alt="" width={28} height={28} /> MaintainX
        </h1>
        <label className="field">
          <span>Email</span>
          <input
            type="email"
            name="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {loginMutation.isError && (
          <p className="error-banner" role="alert">
            {loginError(loginMutation.error)}
          </p>
        )}
        <button type="submit" className="button button--primary" disabled={loginMutation.isPending}>
          {loginMutation.isPending ? "Signing in…" : "Sign in"}
        </button>
      </form>
      {demo && <DemoLogins info={demo} choose={chooseDemoLogin} />}
      <a className="login__docs small" href="/docs">
        API documentation
      </a>
    </div>
  );
}
