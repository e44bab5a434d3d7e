// Route "/notifications": everyone's own switches; engineers and admins also manage channels and rules
// and follow recent deliveries.
import { ChannelsCard } from "@/features/notifications/components/channels-card";
import { DeliveriesCard } from "@/features/notifications/components/deliveries-card";
import { MyNotifications } from "@/features/notifications/components/my-notifications";
import { RulesCard } from "@/features/notifications/components/rules-card";
import { managesTickets } from "@/lib/permissions";
import { useSession } from "@/lib/session";

export function NotificationsRoute() {
  const session = useSession();
  const engineer = session ? managesTickets(session.user) : false;
  return (
    <>
      <header className="page-head">
        <h1>Notifications</h1>
      </header>
      <MyNotifications />
      {engineer && (
        <>
          <ChannelsCard />
          <RulesCard />
          <DeliveriesCard />
        </>
      )}
    </>
  );
}
