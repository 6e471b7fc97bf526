import { fireEvent, render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { menuKeyDown } from './menu-keys.ts';

describe('menu keyboard', () => {
  it('moves through items with the arrows, Home and End, wrapping, skipping disabled ones', () => {
    const { getByRole, getByText } = render(
      <div role="toolbar" onKeyDown={(e) => menuKeyDown(e, e.currentTarget)}>
        <button type="button">Reply</button>
        <button type="button" disabled>
          Edit
        </button>
        <button type="button">Copy</button>
        <button type="button">Delete</button>
      </div>,
    );
    const menu = getByRole('toolbar');
    getByText('Reply').focus();
    fireEvent.keyDown(menu, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(getByText('Copy'));
    fireEvent.keyDown(menu, { key: 'End' });
    expect(document.activeElement).toBe(getByText('Delete'));
    fireEvent.keyDown(menu, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(getByText('Reply'));
    fireEvent.keyDown(menu, { key: 'ArrowUp' });
    expect(document.activeElement).toBe(getByText('Delete'));
    fireEvent.keyDown(menu, { key: 'Home' });
    expect(document.activeElement).toBe(getByText('Reply'));
  });
});
