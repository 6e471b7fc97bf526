/**
 * The tray icon and its menu (open, do not disturb, quit) and the close-to-tray decision.
 * The menu is rebuilt from state, so what it shows is a pure function tests can check.
 */
export type TrayState = { unread: number; doNotDisturb: boolean };

export type TrayActions = {
  open: () => void;
  setDoNotDisturb: (on: boolean) => void;
  quit: () => void;
};

/** The subset of Electron's MenuItemConstructorOptions we use. */
export type TrayMenuItem =
  | { id: string; label: string; type?: 'normal'; click: () => void; enabled?: boolean }
  | { id: string; label: string; type: 'checkbox'; checked: boolean; click: () => void }
  | { type: 'separator' };

export function buildTrayMenu(state: TrayState, actions: TrayActions): TrayMenuItem[] {
  return [
    {
      id: 'open',
      label: state.unread > 0 ? `Open Charla (${state.unread} unread)` : 'Open Charla',
      click: actions.open,
    },
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
  let state: TrayState = { unread: 0, doNotDisturb: false };
  const render = (): void => tray.setContextMenu(deps.buildMenu(buildTrayMenu(state, deps.actions)));
  tray.setToolTip('Charla');
  if (deps.platform !== 'darwin') tray.on('click', deps.actions.open);
  render();
  return {
    tray,
    update(patch) {
      const next = { ...state, ...patch };
      if (next.unread === state.unread && next.doNotDisturb === state.doNotDisturb) return;
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
