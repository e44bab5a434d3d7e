// Any other path: say so and offer the way back.
import { Link } from "react-router";

import { paths } from "@/config/paths";

export function NotFoundRoute() {
  return (
    <>
      <h1>Page not found</h1>
      <p>
        There is nothing at this address. <Link to={paths.fleet.href()}>Go to the fleet</Link>.
      </p>
    </>
  );
}
