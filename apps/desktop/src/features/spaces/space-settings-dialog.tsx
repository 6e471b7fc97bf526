import type { MySpace } from '@charla/shared-types';
import { Dialog } from '../../ui/dialog.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { SpaceDanger } from './space-danger.tsx';
import { SpaceInvites, SpaceMembers } from './space-members.tsx';
import { SpaceSettingsForm } from './space-settings-form.tsx';

/** Settings for owners and admins; members see who is in it and can leave. */
export function SpaceSettingsDialog({ space, onClose }: { space: MySpace; onClose: () => void }) {
  const { t } = useI18n();
  const manager = space.role === 'owner' || space.role === 'admin';
  return (
    <Dialog title={t('spaces.settingsTitle', { name: space.name })} onClose={onClose} wide>
      <div className="stack space-settings">
        {manager && <SpaceSettingsForm key={space.id} space={space} />}
        {manager && <SpaceInvites space={space} />}
        <SpaceMembers space={space} />
        <SpaceDanger space={space} onDone={onClose} />
      </div>
    </Dialog>
  );
}
