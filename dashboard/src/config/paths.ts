// Client-side routes in one place, so links and the router cannot disagree.

export const paths = {
  fleet: { path: "/", href: () => "/" },
  machine: { path: "/machines/:machineId", href: (id: string) => `/machines/${encodeURIComponent(id)}` },
  tickets: { path: "/tickets", href: () => "/tickets" },
  ticket: { path: "/tickets/:ticketId", href: (id: string) => `/tickets/${encodeURIComponent(id)}` },
  gateways: { path: "/gateways", href: () => "/gateways" },
  models: { path: "/models", href: () => "/models" },
  plant: { path: "/plant", href: () => "/plant" },
  users: { path: "/users", href: () => "/users" },
  pm: { path: "/pm", href: () => "/pm" },
  parts: { path: "/parts", href: () => "/parts" },
  reliability: { path: "/reliability", href: () => "/reliability" },
  notifications: { path: "/notifications", href: () => "/notifications" },
} as const;
