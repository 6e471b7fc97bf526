/**
 * The tray icon and its menu (open, do not disturb, quit) and the close-to-tray decision.
 * The menu is rebuilt from state, so what it shows is a pure function tests can check.
 */
export type RecentConversation = { conversationId: string; title: string; unread: number };
export type TrayState = { unread: number; doNotDisturb: boolean; recent: readonly RecentConversation[] };

/** The tray lists this many of the latest conversations. */
export const TRAY_RECENT_MAX = 5;

export type TrayActions = {
  open: () => void;
  /** Shows the window on that conversation. */
  openConversation: (conversationId: string) => void;
  setDoNotDisturb: (on: boolean) => void;
  quit: () => void;
};

/** The subset of Electron's MenuItemConstructorOptions we use. */
export type TrayMenuItem =
  | { id: string; label: string; type?: 'normal'; click: () => void; enabled?: boolean }
  | { id: string; label: string; type: 'checkbox'; checked: boolean; click: () => void }
  | { type: 'separator' };

/** The latest conversations between separators (nothing when there are none). */
function recentItems(recent: readonly RecentConversation[], actions: TrayActions): TrayMenuItem[] {
  if (!recent.length) return [];
  const items = recent.slice(0, TRAY_RECENT_MAX).map((c) => ({
    id: `conversation:${c.conversationId}`,
    // Menu labels treat & as an accelerator marker on Windows and Linux: doubled, it shows as &.
    label: `${c.title.replace(/&/g, '&&')}${c.unread > 0 ? ` (${c.unread > 99 ? '99+' : c.unread})` : ''}`,
    click: () => actions.openConversation(c.conversationId),
  }));
  return [{ type: 'separator' }, ...items, { type: 'separator' }];
}

export function buildTrayMenu(state: TrayState, actions: TrayActions): TrayMenuItem[] {
  return [
    {
      id: 'open',
      label: state.unread > 0 ? `Open Charla (${state.unread} unread)` : 'Open Charla',
      click: actions.open,
    },
    ...recentItems(state.recent, actions),
    {
      id: 'dnd',
      label: 'Do not disturb',
      type: 'checkbox',
      checked: state.doNotDisturb,
      click: () => actions.setDoNotDisturb(!state.doNotDisturb),
    },
    { type: 'separator' },
    { id: 'quit', label: 'Quit Charla', click: actions.quit },
  ];
}

export type TrayLike<Image, Menu> = {
  setContextMenu(menu: Menu): void;
  setToolTip(text: string): void;
  setImage(image: Image): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
};

export type TrayDeps<Image, Menu> = {
  createTray: (image: Image) => TrayLike<Image, Menu>;
  buildMenu: (template: TrayMenuItem[]) => Menu;
  initialImage: Image;
  actions: TrayActions;
  /** macOS opens the menu on click; elsewhere a click opens the window. */
  platform: NodeJS.Platform;
};

export type TrayController<Image, Menu> = {
  tray: TrayLike<Image, Menu>;
  update(state: Partial<TrayState>): void;
  state(): TrayState;
};

export function createTrayController<Image, Menu>(deps: TrayDeps<Image, Menu>): TrayController<Image, Menu> {
  const tray = deps.createTray(deps.initialImage);
  let state: TrayState = { unread: 0, doNotDisturb: false, recent: [] };
  const render = (): void => tray.setContextMenu(deps.buildMenu(buildTrayMenu(state, deps.actions)));
  tray.setToolTip('Charla');
  if (deps.platform !== 'darwin') tray.on('click', deps.actions.open);
  render();
  return {
    tray,
    update(patch) {
      const next = { ...state, ...patch };
      if (next.unread === state.unread && next.doNotDisturb === state.doNotDisturb && next.recent === state.recent)
        return;
      state = next;
      render();
    },
    state: () => state,
  };
}

/**
 * Closing the window hides it to the tray when the setting is on and a tray exists, unless the app
 * is quitting (menu Quit, Cmd+Q, update install, OS shutdown).
 */
export function shouldHideOnClose(input: { closeToTray: boolean; quitting: boolean; hasTray: boolean }): boolean {
  return input.closeToTray && input.hasTray && !input.quitting;
}
