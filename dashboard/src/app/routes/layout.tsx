// The frame around every view: nav bar with the live and health lights and the signed-in person, then the
// routed page. Signed out, every address shows the login form instead (and the same page after signing in).
import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { NavLink, Outlet } from "react-router";

import { paths } from "@/config/paths";
import { logout } from "@/features/auth/api/login";
import { LoginForm } from "@/features/auth/components/login-form";
import { HealthIndicator } from "@/features/health/components/health-indicator";
import { useLiveStream } from "@/features/live/api/live-stream";
import { LiveIndicator } from "@/features/live/components/live-indicator";
import { useSession } from "@/lib/session";

const NAV = [
  { to: paths.fleet.href(), label: "Fleet", end: true },
  { to: paths.tickets.href(), label: "Tickets", end: false },
  { to: paths.pm.href(), label: "Preventive", end: false },
  { to: paths.parts.href(), label: "Parts", end: false },
  { to: paths.gateways.href(), label: "Gateways", end: false },
  { to: paths.models.href(), label: "Models", end: false },
  { to: paths.plant.href(), label: "Plant", end: false },
  { to: paths.users.href(), label: "People", end: false },
  { to: paths.reliability.href(), label: "Reliability", end: false },
  { to: paths.notifications.href(), label: "Notifications", end: false },
];

const ROLE_LABELS = { admin: "Admin", engineer: "Engineer", technician: "Technician" } as const;

export function Layout() {
  const session = useSession();
  const queryClient = useQueryClient();
  useLiveStream(session?.token ?? null);
  // Nothing cached for one person may show for the next.
  useEffect(() => {
    if (!session) queryClient.clear();
  }, [session, queryClient]);

  if (!session) return <LoginForm />;
  const { user } = session;
  return (
    <>
      <header className="topbar">
        <div className="topbar__inner">
          <NavLink to={paths.fleet.href()} className="brand" aria-label="MaintainX home">
            <img src="/favicon.svg" alt="" width={24} height={24} />
            MaintainX
          </NavLink>
          <nav className="nav" aria-label="Main">
            {NAV.map((item) => (
              <NavLink key={item.to} to={item.to} end={item.end} className="nav__link">
                {item.label}
              </NavLink>
            ))}
          </nav>
          <div className="topbar__status">
            <LiveIndicator />
            <HealthIndicator />
            <span className="user" data-testid="current-user" data-role={user.role} title={user.email}>
              {user.full_name} <span className="muted small">{ROLE_LABELS[user.role]}</span>
            </span>
            <button type="button" className="button button--ghost" onClick={logout}>
              Sign out
            </button>
          </div>
        </div>
      </header>
      <main className="page">
        <Outlet />
      </main>
      <footer className="page-footer small muted">
        <a href="/docs">API documentation</a>
      </footer>
    </>
  );
}
