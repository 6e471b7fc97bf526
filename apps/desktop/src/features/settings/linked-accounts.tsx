import {
  type AuthProviders,
  LINK_RESULT_PARAMS,
  type LinkedAccount,
  linkedAccountListSchema,
  linkStartSchema,
  paths,
} from '@charla/shared-types';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { z } from 'zod';
import { useApp } from '../../app-context.tsx';
import { isApiError } from '../../platform/errors.ts';
import { type MessageKey, useI18n } from '../../ui/i18n.tsx';
import { Skeleton } from '../../ui/status.tsx';
import { useToasts } from '../../ui/toasts.tsx';
import { errorText } from '../auth/auth-form.tsx';
import { useProviders } from '../auth/auth-screens.tsx';

const linkedKey = ['auth', 'linkedAccounts'] as const;
const socialMineKey = ['socialLinks', 'me'] as const;

/** The providers this server offers, as [registry id, name shown]. */
function offered(providers: AuthProviders | undefined): Array<[string, string]> {
  if (!providers) return [];
  return [
    ...(providers.google ? [['google', 'Google'] as [string, string]] : []),
    ...(providers.github ? [['github', 'GitHub'] as [string, string]] : []),
    ...(providers.oidc ? [['oidc', providers.oidc.name] as [string, string]] : []),
  ];
}

/** How a link flow that came back from the provider ended (`#/settings?linked=github`). */
function readLinkResult(
  providers: Array<[string, string]>,
): { kind: 'ok' | 'error'; key: MessageKey; name: string } | null {
  const query = new URLSearchParams(window.location.hash.split('?')[1] ?? '');
  const linked = query.get(LINK_RESULT_PARAMS.linked);
  const error = query.get(LINK_RESULT_PARAMS.error);
  if (!linked && !error) return null;
  // The result is shown once: a reload or going back does not repeat it.
  window.history.replaceState(null, '', '#/settings');
  if (linked) return { kind: 'ok', key: 'linked.done', name: providers.find(([id]) => id === linked)?.[1] ?? linked };
  if (error === 'identity_linked_elsewhere') return { kind: 'error', key: 'linked.elsewhere', name: '' };
  return { kind: 'error', key: 'linked.failed', name: '' };
}

/**
 * Settings › Linked accounts: the external accounts one can sign in with; link more (the browser
 * goes to the provider and comes back here), unlink any but the last way to sign in.
 */
export function LinkedAccountsSettings() {
  const { t } = useI18n();
  const { api, platform } = useApp();
  const providers = useProviders();
  const linked = useQuery({
    queryKey: linkedKey,
    queryFn: ({ signal }) => api.get(paths.auth.linkedAccounts, linkedAccountListSchema, signal),
  });
  const [result, setResult] = useState<ReturnType<typeof readLinkResult>>(null);
  const [opening, setOpening] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const available = offered(providers.data);
  useEffect(() => {
    if (providers.isPending) return;
    const found = readLinkResult(offered(providers.data));
    if (found) setResult(found);
  }, [providers.isPending, providers.data]);

  const link = async (id: string, name: string) => {
    setOpening(name);
    setProblem(null);
    try {
      const { location } = await api.send('POST', paths.auth.oidcLink(id), linkStartSchema);
      window.location.assign(location);
    } catch (e) {
      setOpening(null);
      setProblem(errorText(t, e));
    }
  };

  if (linked.isPending) return <Skeleton label={t('common.loading')} />;
  const items = linked.data?.items ?? [];
  // The desktop app cannot finish a link in its own window: the web client can.
  const canLink = !platform.supports.loopbackSignIn;
  return (
    <div className="linked-accounts">
      <p className="muted">{t('linked.hint')}</p>
      {result && (
        <p className={result.kind === 'ok' ? 'notice' : 'form-error'} role={result.kind === 'ok' ? 'status' : 'alert'}>
          {t(result.key, { provider: result.name })}
        </p>
      )}
      {items.length === 0 ? (
        <p className="muted">{t('linked.none')}</p>
      ) : (
        <ul className="devices" aria-label={t('linked.title')}>
          {items.map((item) => (
            <LinkedRow key={item.id} item={item} onProblem={setProblem} />
          ))}
        </ul>
      )}
      {canLink ? (
        <div className="providers">
          {available.map(([id, name]) => (
            <button
              key={id}
              type="button"
              className="button secondary"
              disabled={opening !== null}
              onClick={() => void link(id, name)}
            >
              {t('linked.link', { provider: name })}
            </button>
          ))}
        </div>
      ) : (
        available.length > 0 && <p className="muted">{t('linked.desktopOnlyWeb')}</p>
      )}
      {opening && (
        <p className="notice" role="status">
          {t('linked.linking', { provider: opening })}
        </p>
      )}
      {problem && (
        <p className="form-error" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}

function LinkedRow({ item, onProblem }: { item: LinkedAccount; onProblem: (text: string | null) => void }) {
  const { t, locale } = useI18n();
  const { api } = useApp();
  const qc = useQueryClient();
  const toasts = useToasts();
  const [busy, setBusy] = useState(false);
  const name = item.accountName ?? '';
  const unlink = async () => {
    setBusy(true);
    onProblem(null);
    try {
      await api.send('DELETE', paths.auth.linkedAccount(item.id), z.unknown());
      toasts.show({ kind: 'info', text: t('linked.unlinked', { provider: item.providerName }) });
      await Promise.all([
        qc.invalidateQueries({ queryKey: linkedKey }),
        qc.invalidateQueries({ queryKey: socialMineKey }),
      ]);
    } catch (e) {
      onProblem(isApiError(e, 'last_sign_in_method') ? t('linked.lastWay') : errorText(t, e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <li>
      <span>
        <strong>{t('linked.item', { provider: item.providerName, name })}</strong>
        <br />
        <small>{t('linked.since', { date: new Date(item.linkedAt).toLocaleDateString(locale) })}</small>
      </span>
      <button
        type="button"
        className="link danger"
        disabled={busy}
        aria-label={t('linked.unlinkNamed', { provider: item.providerName, name })}
        onClick={() => void unlink()}
      >
        {t('linked.unlink')}
      </button>
    </li>
  );
}
