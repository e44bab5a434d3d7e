// The people: name, role, whether they may sign in, and the sites and lines they work at. Engineers and
// admins change where a person works; new tickets then go to the technicians of the machine's line first.
import { Fragment, useState } from "react";

import { Empty, ErrorBanner, Loading } from "@/components/feedback";
import { managesTickets } from "@/lib/permissions";
import { useSession } from "@/lib/session";
import type { Line, Site, UserAreas } from "@/types/api";

import { useUserAreas, useUsers } from "../api/users";
import { AreasForm } from "./areas-form";

function describeAreas(areas: UserAreas | undefined): string {
  const names = [
    ...(areas?.sites.map((s) => `${s.name} (site)`) ?? []),
    ...(areas?.lines.map((l) => `${l.site_name} / ${l.name}`) ?? []),
  ];
  return names.length > 0 ? names.join(", ") : "—";
}

export function UsersPage({ sites, lines }: { sites: Site[]; lines: Line[] }) {
  const session = useSession();
  const mayEdit = session ? managesTickets(session.user) : false;
  const users = useUsers();
  const areas = useUserAreas();
  const [editing, setEditing] = useState<string | null>(null);
  if (users.isPending || areas.isPending) return <Loading what="people" />;
  if (users.isError) return <ErrorBanner error={users.error} title="Could not load people" />;
  if (areas.isError) return <ErrorBanner error={areas.error} title="Could not load sites and lines" />;
  if (users.data.length === 0) return <Empty>No people yet.</Empty>;
  const byUser = new Map(areas.data.map((a) => [a.user_id, a]));
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Sites and lines</th>
            <th scope="col">Location (free text)</th>
            {mayEdit ? <th scope="col">Change</th> : null}
          </tr>
        </thead>
        <tbody>
          {users.data.map((u) => (
            <Fragment key={u.id}>
              <tr data-testid="user-row" data-user-email={u.email} className={u.is_active ? "" : "muted"}>
                <th scope="row">{u.full_name}</th>
                <td>{u.role}</td>
                <td data-testid="user-areas">{describeAreas(byUser.get(u.id))}</td>
                <td className="muted">{u.location ?? "—"}</td>
                {mayEdit ? (
                  <td>
                    <button
                      type="button"
                      className="button button--ghost"
                      onClick={() => setEditing(editing === u.id ? null : u.id)}
                    >
                      Sites and lines
                    </button>
                  </td>
                ) : null}
              </tr>
              {editing === u.id ? (
                <tr>
                  <td colSpan={mayEdit ? 5 : 4}>
                    <AreasForm
                      userId={u.id}
                      userName={u.full_name}
                      areas={byUser.get(u.id)}
                      sites={sites}
                      lines={lines}
                      onDone={() => setEditing(null)}
                    />
                  </td>
                </tr>
              ) : null}
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}
