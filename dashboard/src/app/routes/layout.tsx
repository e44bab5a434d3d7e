// The frame around every view: nav bar with the health light, then the routed page.
import { NavLink, Outlet } from "react-router";

import { paths } from "@/config/paths";
import { HealthIndicator } from "@/features/health/components/health-indicator";

const NAV = [
  { to: paths.fleet.href(), label: "Fleet", end: true },
  { to: paths.tickets.href(), label: "Tickets", end: false },
  { to: paths.gateways.href(), label: "Gateways", end: false },
];

export function Layout() {
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
          <HealthIndicator />
        </div>
      </header>
      <main className="page">
        <Outlet />
      </main>
    </>
  );
}
