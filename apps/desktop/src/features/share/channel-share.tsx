import { channelWebUrl } from '@charla/shared-types';
import { useQuery } from '@tanstack/react-query';
import { serverConfig } from '../../api/server-config.ts';
import { useApp } from '../../app-context.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { ShareButton } from './share-button.tsx';

/**
 * A public channel's details: share its link (/channel/<id>), which opens the channel in Charla
 * and unfurls on social networks with the channel's name, member count, description and picture.
 */
export function ChannelShare({ conversationId, name }: { conversationId: string; name: string }) {
  const { t } = useI18n();
  const { api } = useApp();
  const config = useQuery({ queryKey: ['serverConfig', api.base()], queryFn: () => serverConfig(api) });
  const webUrl = config.data?.webUrl;
  if (!webUrl) return null;
  const url = channelWebUrl(webUrl, conversationId);
  return (
    <div className="panel-section">
      <ShareButton
        item={{ url, text: t('share.channelText', { name }), title: name }}
        label={t('share.channelLabel')}
      />
    </div>
  );
}
