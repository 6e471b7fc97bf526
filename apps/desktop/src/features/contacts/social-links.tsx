import {
  paths,
  SOCIAL_NETWORKS,
  type SocialLink,
  type SocialNetwork,
  type SocialVisibility,
  socialLinkListSchema,
  socialLinkSchema,
} from '@charla/shared-types';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { z } from 'zod';
import { useApp } from '../../app-context.tsx';
import { isApiError } from '../../platform/errors.ts';
import { useI18n } from '../../ui/i18n.tsx';
import { FieldError } from '../../ui/name-check.tsx';
import { Skeleton } from '../../ui/status.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import { errorText } from '../auth/auth-form.tsx';

const mineKey = ['socialLinks', 'me'] as const;
const theirsKey = (userId: string) => ['socialLinks', userId] as const;
const VISIBILITIES: SocialVisibility[] = ['public', 'shared', 'hidden'];

/** Settings › Social profiles: one row per network, each with its own visibility. */
export function SocialLinksSettings() {
  const { t } = useI18n();
  const { api } = useApp();
  const mine = useQuery({
    queryKey: mineKey,
    queryFn: async ({ signal }) => (await api.get(paths.users.mySocialLinks, socialLinkListSchema, signal)).items,
  });
  if (mine.isPending) return <Skeleton label={t('common.loading')} />;
  return (
    <div className="social-links-settings">
      <p className="muted">{t('social.hint')}</p>
      {SOCIAL_NETWORKS.map((network) => (
        <SocialLinkRow key={network} network={network} link={mine.data?.find((l) => l.network === network)} />
      ))}
    </div>
  );
}

function SocialLinkRow({ network, link }: { network: SocialNetwork; link: SocialLink | undefined }) {
  const { t } = useI18n();
  const { api } = useApp();
  const qc = useQueryClient();
  const toasts = useToasts();
  const [handle, setHandle] = useState(link?.handle ?? '');
  const [visibility, setVisibility] = useState<SocialVisibility>(link?.visibility ?? 'public');
  const [problem, setProblem] = useState<string | null>(null);
  const errorId = useId();
  const run = async (fn: () => Promise<unknown>, ok: string) => {
    try {
      await fn();
      setProblem(null);
      await qc.invalidateQueries({ queryKey: mineKey });
      toasts.show({ kind: 'info', text: ok });
    } catch (e) {
      if (isApiError(e, 'validation_failed') && e.details?.handle) setProblem(e.details.handle.join(' '));
      else toasts.show({ kind: 'error', text: errorText(t, e) });
    }
  };
  const save = (ev: FormEvent) => {
    ev.preventDefault();
    if (!handle.trim()) return;
    void run(
      async () => {
        const saved = await api.send('PUT', paths.users.mySocialLink(network), socialLinkSchema, {
          handle,
          visibility,
        });
        setHandle(saved.handle);
      },
      t('social.saved', { network: t(`social.${network}`) }),
    );
  };
  const name = t(`social.${network}`);
  return (
    <form className="social-link-row" onSubmit={save} aria-label={name}>
      <label>
        {name}
        <input
          className="input"
          value={handle}
          maxLength={200}
          placeholder={t(network === 'website' ? 'social.websitePlaceholder' : 'social.handlePlaceholder')}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? errorId : undefined}
          onChange={(e) => setHandle(e.target.value)}
        />
      </label>
      <label>
        {t('social.visibility')}
        <select
          className="input"
          value={visibility}
          onChange={(e) => setVisibility(e.target.value as SocialVisibility)}
        >
          {VISIBILITIES.map((v) => (
            <option key={v} value={v}>
              {t(`social.visibility.${v}`)}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="button" disabled={!handle.trim()}>
        {t('common.save')}
      </button>
      {link?.verified && (
        <span className="badge verified" title={t('social.verifiedHint')}>
          {t('social.verified')}
        </span>
      )}
      {link && (
        <button
          type="button"
          className="button secondary"
          onClick={() =>
            void run(
              async () => {
                await api.send('DELETE', paths.users.mySocialLink(network), z.unknown());
                setHandle('');
              },
              t('social.removed', { network: name }),
            )
          }
        >
          {t('social.remove', { network: name })}
        </button>
      )}
      <FieldError id={errorId} text={problem} />
    </form>
  );
}

/** The details panel of a direct chat: the person's social profiles that I may see. */
export function PersonSocialLinks({ userId }: { userId: string }) {
  const { t } = useI18n();
  const { api, platform } = useApp();
  const links = useQuery({
    queryKey: theirsKey(userId),
    queryFn: async ({ signal }) => (await api.get(paths.users.socialLinks(userId), socialLinkListSchema, signal)).items,
  });
  if (!links.data?.length) return null;
  return (
    <ul className="person-social-links" aria-label={t('social.title')}>
      {links.data.map((l) => (
        <li key={l.network}>
          <a
            href={l.url}
            target="_blank"
            rel="noopener noreferrer"
            onClick={(e) => {
              e.preventDefault();
              void platform.openExternal(l.url);
            }}
          >
            {t(`social.${l.network}`)}: {l.network === 'website' ? l.url.replace(/^https?:\/\//, '') : `@${l.handle}`}
          </a>
          {l.verified && <span className="badge">{t('social.verified')}</span>}
        </li>
      ))}
    </ul>
  );
}
