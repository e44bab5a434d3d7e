// /api/notifications: channels, rules, send test, deliveries (engineers), and one's own switches (everyone).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import { queryKeys } from "@/lib/query-keys";
import type {
  NotificationChannel,
  NotificationChannelCreate,
  NotificationChannelUpdate,
  NotificationDelivery,
  NotificationPreference,
  NotificationRule,
  NotificationRuleCreate,
} from "@/types/api";

const BASE = "/notifications";
// Deliveries change as the worker sends them: refresh the troubleshooting list while it is open.
const DELIVERIES_REFRESH_MS = 3000;

export function useChannels() {
  return useQuery({
    queryKey: queryKeys.notificationChannels(),
    queryFn: ({ signal }) => api.get<NotificationChannel[]>(`${BASE}/channels`, undefined, signal),
  });
}

export function useRules() {
  return useQuery({
    queryKey: queryKeys.notificationRules(),
    queryFn: ({ signal }) => api.get<NotificationRule[]>(`${BASE}/rules`, undefined, signal),
  });
}

export function useDeliveries() {
  return useQuery({
    queryKey: queryKeys.notificationDeliveries(),
    queryFn: ({ signal }) => api.get<NotificationDelivery[]>(`${BASE}/deliveries`, { limit: 50 }, signal),
    refetchInterval: DELIVERIES_REFRESH_MS,
  });
}

export function usePreferences() {
  return useQuery({
    queryKey: queryKeys.notificationPreferences(),
    queryFn: ({ signal }) => api.get<NotificationPreference[]>(`${BASE}/preferences`, undefined, signal),
  });
}

/** Every write refetches all notification lists: a channel's removal takes its rules with it. */
function useNotificationMutation<A, R>(fn: (args: A) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.notifications() }),
  });
}

export const useCreateChannel = () =>
  useNotificationMutation((body: NotificationChannelCreate) =>
    api.post<NotificationChannel>(`${BASE}/channels`, body),
  );

export const useUpdateChannel = () =>
  useNotificationMutation(({ id, changes }: { id: string; changes: NotificationChannelUpdate }) =>
    api.patch<NotificationChannel>(`${BASE}/channels/${id}`, changes),
  );

export const useDeleteChannel = () =>
  useNotificationMutation((id: string) => api.delete(`${BASE}/channels/${id}`));

export const useSendTest = () =>
  useNotificationMutation((id: string) =>
    api.post<{ delivery_id: number }>(`${BASE}/channels/${id}/test`, undefined),
  );

export const useCreateRule = () =>
  useNotificationMutation((body: NotificationRuleCreate) =>
    api.post<NotificationRule>(`${BASE}/rules`, body),
  );

export const useDeleteRule = () => useNotificationMutation((id: string) => api.delete(`${BASE}/rules/${id}`));

/** A switch flips at once on screen (optimistic); a refusal puts the server's state back. */
export function useSetPreference() {
  const queryClient = useQueryClient();
  const key = queryKeys.notificationPreferences();
  return useMutation({
    mutationFn: ({ channelId, enabled }: { channelId: string; enabled: boolean }) =>
      api.put<NotificationPreference>(`${BASE}/preferences/${channelId}`, { enabled }),
    onMutate: ({ channelId, enabled }) => {
      queryClient.setQueryData<NotificationPreference[]>(key, (old) =>
        old?.map((p) => (p.channel_id === channelId ? { ...p, enabled } : p)),
      );
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: key }),
  });
}
