import { HOME_SPACE_ID } from '@charla/shared-types';
import { QueryClient } from '@tanstack/react-query';
import { act, renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readActiveSpace, writeActiveSpace, writeLastConversation } from './space-state.ts';
import { useSpaceSelection } from './use-space-selection.ts';

afterEach(() => localStorage.clear());

function setup(userId: string | null = 'ana') {
  const qc = new QueryClient();
  qc.setQueryData(['me'], { id: 'ana' });
  qc.setQueryData(['spaces', 'mine'], [{ id: 'sp-1' }]);
  qc.setQueryData(['conversations'], [{ id: 'c-home' }]);
  qc.setQueryData(['messages', 'c-home'], { items: [] });
  const navigate = vi.fn();
  const hook = renderHook(({ uid }) => useSpaceSelection(qc, uid, navigate), { initialProps: { uid: userId } });
  return { qc, navigate, hook };
}

describe('switching spaces', () => {
  it('adopts the space an account was last in when it signs in, and home when it signs out', () => {
    writeActiveSpace('ana', 'sp-1');
    const { hook } = setup();
    act(() => hook.result.current.adopt('ana'));
    expect(hook.result.current.selection.id).toBe('sp-1');
    expect(hook.result.current.selection.current()).toBe('sp-1');
    act(() => hook.result.current.adopt(null));
    expect(hook.result.current.selection.id).toBe(HOME_SPACE_ID);
  });

  it('drops the old space’s cache, keeps the account’s, remembers the choice and reopens the last conversation', () => {
    writeLastConversation('ana', 'sp-1', 'c-team');
    const { qc, navigate, hook } = setup();
    act(() => hook.result.current.selection.switchTo('sp-1'));
    expect(hook.result.current.selection.id).toBe('sp-1');
    expect(hook.result.current.selection.switching).toBe(false);
    expect(hook.result.current.selection.current()).toBe('sp-1');
    expect(readActiveSpace('ana')).toBe('sp-1');
    expect(qc.getQueryData(['conversations'])).toBeUndefined();
    expect(qc.getQueryData(['messages', 'c-home'])).toBeUndefined();
    expect(qc.getQueryData(['me'])).toEqual({ id: 'ana' });
    expect(qc.getQueryData(['spaces', 'mine'])).toEqual([{ id: 'sp-1' }]);
    expect(navigate).toHaveBeenLastCalledWith({ name: 'home', conversationId: 'c-team' });
  });

  it('opens the chat list when the space has no last conversation, or the one asked for', () => {
    const { navigate, hook } = setup();
    act(() => hook.result.current.selection.switchTo('sp-2'));
    expect(navigate).toHaveBeenLastCalledWith({ name: 'home' });
    act(() => hook.result.current.selection.switchTo(HOME_SPACE_ID, { conversationId: 'c-9' }));
    expect(hook.result.current.selection.id).toBe(HOME_SPACE_ID);
    expect(navigate).toHaveBeenLastCalledWith({ name: 'home', conversationId: 'c-9' });
  });

  it('does not reset anything when switching to the current space', () => {
    const { qc, navigate, hook } = setup();
    act(() => hook.result.current.selection.switchTo(HOME_SPACE_ID));
    expect(qc.getQueryData(['conversations'])).toEqual([{ id: 'c-home' }]);
    expect(navigate).toHaveBeenLastCalledWith({ name: 'home' });
  });

  it('goes home and forgets a space the server says is gone', () => {
    writeLastConversation('ana', 'sp-1', 'c-team');
    writeLastConversation('ana', HOME_SPACE_ID, 'c-home');
    const { navigate, hook } = setup();
    act(() => hook.result.current.selection.switchTo('sp-1'));
    act(() => hook.result.current.selection.lost());
    expect(hook.result.current.selection.id).toBe(HOME_SPACE_ID);
    expect(readActiveSpace('ana')).toBe(HOME_SPACE_ID);
    expect(navigate).toHaveBeenLastCalledWith({ name: 'home', conversationId: 'c-home' });
    act(() => hook.result.current.selection.switchTo('sp-1'));
    expect(navigate).toHaveBeenLastCalledWith({ name: 'home' });
  });

  it('does nothing while signed out', () => {
    const { navigate, hook } = setup(null);
    act(() => hook.result.current.selection.switchTo('sp-1'));
    expect(hook.result.current.selection.id).toBe(HOME_SPACE_ID);
    expect(navigate).not.toHaveBeenCalled();
  });
});
