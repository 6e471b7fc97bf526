import { lazy, Suspense, useEffect, useState } from 'react';
import { useConversation, useConversations } from '../../api/queries.ts';
import { useApp, useMe } from '../../app-context.tsx';
import { RealtimeProvider, useRealtime } from '../../realtime/realtime.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { Icon } from '../../ui/icons.tsx';
import { useRouter } from '../../ui/router.tsx';
import { Avatar, EmptyState, OfflineBanner, Skeleton } from '../../ui/status.tsx';
import { VerifyEmailBanner } from '../auth/verify-email.tsx';
import { ChatView } from '../chat/chat-view.tsx';
import { ConversationList } from '../conversations/conversation-list.tsx';
import { E2eeProvider } from '../e2ee/e2ee-context.tsx';
import { useAchievementToasts } from '../points/use-achievement-toasts.ts';
import { SafetyProvider } from '../safety/safety.tsx';
import { useAccountAppearance } from '../settings/appearance-settings.tsx';
import { ChannelLanding } from '../share/channel-landing.tsx';
import { SpaceHeader } from '../spaces/space-header.tsx';
import { useSpaceActivity } from '../spaces/space-queries.ts';
import { SpaceRail } from '../spaces/space-rail.tsx';
import { writeLastConversation } from '../spaces/space-state.ts';
import { useDesktopIntegration } from './desktop-integration.ts';

const SettingsScreen = lazy(() =>
  import('../settings/settings-screen.tsx').then((m) => ({ default: m.SettingsScreen })),
);
const AchievementsScreen = lazy(() =>
  import('../points/achievements-screen.tsx').then((m) => ({ default: m.AchievementsScreen })),
);
const AdminScreen = lazy(() => import('../admin/admin-screen.tsx').then((m) => ({ default: m.AdminScreen })));
const SearchDialog = lazy(() => import('../search/search-dialog.tsx').then((m) => ({ default: m.SearchDialog })));
const QuickSwitcher = lazy(() => import('../search/quick-switcher.tsx').then((m) => ({ default: m.QuickSwitcher })));
const EncryptedChatView = lazy(() =>
  import('../e2ee/encrypted-chat-view.tsx').then((m) => ({ default: m.EncryptedChatView })),
);
const CreateSpaceDialog = lazy(() =>
  import('../spaces/create-space-dialog.tsx').then((m) => ({ default: m.CreateSpaceDialog })),
);
const NewChatDialog = lazy(() => import('../conversations/new-chat.tsx').then((m) => ({ default: m.NewChatDialog })));

export function HomeScreen() {
  const me = useMe();
  return (
    <RealtimeProvider meId={me.id}>
      <SafetyProvider>
        <E2eeProvider>
          <Shell />
        </E2eeProvider>
      </SafetyProvider>
    </RealtimeProvider>
  );
}

type Overlay = 'search' | 'switcher' | 'new' | 'createSpace' | null;

function Shell() {
  useAccountAppearance();
  const { t } = useI18n();
  const me = useMe();
  const { platform, space } = useApp();
  const { route, navigate } = useRouter();
  const { connected, socket } = useRealtime();
  useSpaceActivity(socket);
  useAchievementToasts();
  const [overlay, setOverlay] = useState<Overlay>(null);
  // A conversation of another space (route.space, from a push) is not looked up here: the switch opens it.
  const elsewhere = route.name === 'home' && route.space !== undefined && route.space !== space.id;
  const conversationId = route.name === 'home' && !elsewhere ? route.conversationId : undefined;
  const list = useConversations();
  const conversation = useConversation(conversationId);
  useDesktopIntegration(list.data);
  // A link into another space (a push from there): switch first, then open the conversation.
  const routeSpace = route.name === 'home' ? route.space : undefined;
  const routeConversation = route.name === 'home' ? route.conversationId : undefined;
  const seq = route.name === 'home' ? route.seq : undefined;
  useEffect(() => {
    if (!routeSpace) return;
    if (routeSpace !== space.id) space.switchTo(routeSpace, { conversationId: routeConversation });
    else navigate({ name: 'home', conversationId: routeConversation, ...(seq ? { seq } : {}) }, { replace: true });
  }, [routeSpace, space, routeConversation, seq, navigate]);
  // Each space reopens where it was left.
  useEffect(() => {
    if (route.name === 'home' && !routeSpace) writeLastConversation(me.id, space.id, conversationId ?? null);
  }, [route.name, routeSpace, conversationId, me.id, space.id]);
  const screen = route.name === 'settings' || route.name === 'admin' || route.name === 'achievements';

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        setOverlay('switcher');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  useEffect(
    () =>
      platform.onNotificationClick((id, seq, spaceId) =>
        navigate({
          name: 'home',
          conversationId: id,
          ...(seq && seq > 0 ? { seq } : {}),
          ...(spaceId ? { space: spaceId } : {}),
        }),
      ),
    [platform, navigate],
  );

  const empty = (
    <EmptyState title={conversationId ? t('chat.notFound') : t('home.pick')}>
      <button type="button" className="button primary" onClick={() => setOverlay('new')}>
        {t('newChat.title')}
      </button>
      <p className="muted">{t('home.shortcut')}</p>
    </EmptyState>
  );
  return (
    <div className={`shell with-rail${conversationId || screen ? ' has-main' : ''}`}>
      <a className="skip-link" href="#main">
        {t('a11y.skip')}
      </a>
      <div className="banners">
        <OfflineBanner connected={connected} />
        <VerifyEmailBanner />
      </div>
      <SpaceRail onCreate={() => setOverlay('createSpace')} />
      <nav className="sidebar" aria-label={t('list.label')}>
        <header className="sidebar-header">
          <button type="button" className="me-button" onClick={() => navigate({ name: 'settings' })}>
            <Avatar name={me.displayName} url={me.avatarUrl} size={32} />
            <span>{me.displayName}</span>
            <span className="sr-only">{t('settings.title')}</span>
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label={t('search.title')}
            onClick={() => setOverlay('search')}
          >
            <Icon name="search" />
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label={t('newChat.title')}
            onClick={() => setOverlay('new')}
          >
            <Icon name="compose" />
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label={t('points.open')}
            onClick={() => navigate({ name: 'achievements' })}
          >
            <Icon name="trophy" />
          </button>
          {me.role === 'admin' && (
            <button
              type="button"
              className="icon-button"
              aria-label={t('admin.title')}
              onClick={() => navigate({ name: 'admin' })}
            >
              <Icon name="shield" />
            </button>
          )}
        </header>
        <SpaceHeader />
        <ConversationList activeId={conversationId} />
      </nav>
      <main id="main" className="main" tabIndex={-1}>
        {screen ? (
          <Suspense fallback={<Skeleton lines={8} label={t('common.loading')} />}>
            {route.name === 'admin' ? (
              <AdminScreen />
            ) : route.name === 'achievements' ? (
              <AchievementsScreen />
            ) : (
              <SettingsScreen />
            )}
          </Suspense>
        ) : conversation?.encrypted ? (
          <Suspense fallback={<Skeleton lines={8} label={t('common.loading')} />}>
            <EncryptedChatView key={conversation.id} conversation={conversation} />
          </Suspense>
        ) : conversation ? (
          <ChatView
            key={conversation.id}
            conversation={conversation}
            seq={route.name === 'home' ? route.seq : undefined}
          />
        ) : conversationId && list.isPending ? (
          <Skeleton lines={8} label={t('common.loading')} />
        ) : conversationId ? (
          <ChannelLanding conversationId={conversationId} fallback={empty} />
        ) : (
          empty
        )}
      </main>
      <Suspense fallback={null}>
        {overlay === 'search' && <SearchDialog onClose={() => setOverlay(null)} />}
        {overlay === 'switcher' && <QuickSwitcher onClose={() => setOverlay(null)} />}
        {overlay === 'new' && <NewChatDialog onClose={() => setOverlay(null)} />}
        {overlay === 'createSpace' && <CreateSpaceDialog onClose={() => setOverlay(null)} />}
      </Suspense>
    </div>
  );
}
