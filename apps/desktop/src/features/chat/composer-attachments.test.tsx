import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../platform/errors.ts';
import { I18nProvider } from '../../ui/i18n.tsx';
import { AttachmentTray, type TrayFile, uploadErrorKey } from './composer-attachments.tsx';

const file = (name: string, type: string, bytes = 2048) => new File([new Uint8Array(bytes)], name, { type });

describe('attachment tray', () => {
  it('previews images, names files with their size, shows progress and failures, and removes one', () => {
    const files: TrayFile[] = [
      { key: 'a', file: file('cat.png', 'image/png'), preview: 'blob:cat', progress: 1, status: 'done', mediaId: 'm1' },
      { key: 'b', file: file('notes.pdf', 'application/pdf'), preview: null, progress: 0.4, status: 'uploading' },
      {
        key: 'c',
        file: file('big.mov', 'video/quicktime'),
        preview: null,
        progress: 0,
        status: 'failed',
        error: 'errors.tooLarge',
      },
    ];
    const onRemove = vi.fn();
    const onRetry = vi.fn();
    render(
      <I18nProvider locale="en">
        <AttachmentTray files={files} onRemove={onRemove} onRetry={onRetry} />
      </I18nProvider>,
    );
    expect(screen.getByRole('img', { name: 'cat.png' })).toHaveAttribute('src', 'blob:cat');
    expect(screen.getByText('PDF')).toBeInTheDocument();
    expect(screen.getAllByText('2 KB', { selector: 'small' })).toHaveLength(2);
    expect(screen.getByRole('progressbar', { name: 'Uploading notes.pdf…' })).toHaveAttribute('value', '0.4');
    expect(screen.getByText('That file is too large.')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Try big.mov again' }));
    expect(onRetry).toHaveBeenCalledWith('c');
    fireEvent.click(screen.getByRole('button', { name: 'Remove notes.pdf' }));
    expect(onRemove).toHaveBeenCalledWith('b');
  });

  it('renders nothing when empty, and maps upload errors to messages', () => {
    const { container } = render(
      <I18nProvider locale="es">
        <AttachmentTray files={[]} onRemove={() => {}} onRetry={() => {}} />
      </I18nProvider>,
    );
    expect(container).toBeEmptyDOMElement();
    expect(uploadErrorKey(new ApiError('payload_too_large', 413, ''))).toBe('errors.tooLarge');
    expect(uploadErrorKey(new ApiError('unsupported_media_type', 415, ''))).toBe('errors.unsupportedMedia');
    expect(uploadErrorKey(new ApiError('not_found', 404, ''))).toBe('upload.unavailable');
    expect(uploadErrorKey(new Error('x'))).toBe('upload.failed');
  });
});
