import { API_PREFIX, type LinkPreview, paths } from '@charla/shared-types';
import { useApp } from '../../app-context.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { Icon } from '../../ui/icons.tsx';
import { withSpaceQuery } from '../spaces/space-state.ts';

const hostOf = (url: string) => {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
};

/**
 * The server-made preview of a message's first link. Its image is a copy the server fetched and
 * re-encoded, loaded from Charla, never from the linked site (readers' addresses stay private).
 */
export function LinkPreviewCard({ preview, onRemove }: { preview: LinkPreview; onRemove?: () => void }) {
  const { t } = useI18n();
  const { api, platform, space } = useApp();
  const host = hostOf(preview.url);
  const title = preview.title ?? host;
  return (
    <section className="link-preview" aria-label={t('linkPreview.label', { title })}>
      {preview.image && (
        <img
          className="link-preview-image"
          src={withSpaceQuery(`${api.base()}${API_PREFIX}${paths.linkPreviews.image(preview.image.id)}`, space.id)}
          width={preview.image.width}
          height={preview.image.height}
          alt=""
          loading="lazy"
        />
      )}
      <div className="link-preview-body">
        <span className="link-preview-site">{preview.siteName ?? host}</span>
        <a
          className="link-preview-title"
          href={preview.url}
          target="_blank"
          rel="noopener noreferrer"
          onClick={(e) => {
            e.preventDefault();
            void platform.openExternal(preview.url);
          }}
        >
          {title}
        </a>
        {preview.description && <p className="link-preview-description">{preview.description}</p>}
      </div>
      {onRemove && (
        <button
          type="button"
          className="icon-button link-preview-remove"
          aria-label={t('linkPreview.remove')}
          onClick={onRemove}
        >
          <Icon name="close" size={16} />
        </button>
      )}
    </section>
  );
}
