// The client-side routes; the API answers index.html for each of them so deep links work.
import { createBrowserRouter } from "react-router";
import { RouterProvider } from "react-router/dom";

import { paths } from "@/config/paths";

import { FleetRoute } from "./routes/fleet";
import { GatewaysRoute } from "./routes/gateways";
import { Layout } from "./routes/layout";
import { MachineRoute } from "./routes/machine";
import { ModelsRoute } from "./routes/models";
import { NotFoundRoute } from "./routes/not-found";
import { PlantRoute } from "./routes/plant";
import { PartsRoute } from "./routes/parts";
import { PmRoute } from "./routes/pm";
import { ReliabilityRoute } from "./routes/reliability";
import { NotificationsRoute } from "./routes/notifications";
import { TicketRoute } from "./routes/ticket";
import { TicketsRoute } from "./routes/tickets";
import { UsersRoute } from "./routes/users";

const router = createBrowserRouter([
  {
    Component: Layout,
    children: [
      { path: paths.fleet.path, Component: FleetRoute },
      { path: paths.machine.path, Component: MachineRoute },
      { path: paths.tickets.path, Component: TicketsRoute },
      { path: paths.ticket.path, Component: TicketRoute },
      { path: paths.gateways.path, Component: GatewaysRoute },
      { path: paths.models.path, Component: ModelsRoute },
      { path: paths.plant.path, Component: PlantRoute },
      { path: paths.users.path, Component: UsersRoute },
      { path: paths.pm.path, Component: PmRoute },
      { path: paths.parts.path, Component: PartsRoute },
      { path: paths.reliability.path, Component: ReliabilityRoute },
      { path: paths.notifications.path, Component: NotificationsRoute },
      { path: "*", Component: NotFoundRoute },
    ],
  },
]);

export function AppRouter() {
  return <RouterProvider router={router} />;
}
