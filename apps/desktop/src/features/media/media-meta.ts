import { mediaSchema, paths } from '@charla/shared-types';
import { useQuery } from '@tanstack/react-query';
import { useApp } from '../../app-context.tsx';

/**
 * A media DTO with fresh signed URLs, under the same cache key as the message attachments
 * (['media', id]), so the chat list, the viewer and the bubbles share one request.
 */
export function useMediaMeta(id: string | undefined, messageId: string | undefined) {
  const { api } = useApp();
  return useQuery({
    queryKey: ['media', id ?? ''],
    enabled: Boolean(id),
    queryFn: () =>
      api.get(`${paths.media.meta(id ?? '')}${messageId ? `?via=${encodeURIComponent(messageId)}` : ''}`, mediaSchema),
    staleTime: 5 * 60_000,
    retry: false,
  });
}

/** Absolute URL for a media DTO's url (servers send absolute ones; accept relative too). */
export function absoluteUrl(base: string, u: string): string {
  return /^https?:\/\//.test(u) ? u : `${base}${u}`;
}
