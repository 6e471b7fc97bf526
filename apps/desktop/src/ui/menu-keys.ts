const ITEMS = 'button:not([disabled]), [role="menuitem"]:not([aria-disabled="true"])';

/**
 * Arrow keys through a menu's items (Up/Down, and Left/Right inside a row of them such as quick
 * reactions), Home and End to the first and last, wrapping around; the menu's own Esc and Tab
 * handling is left alone. Call from the menu container's keydown listener.
 */
export function menuKeyDown(e: { key: string; preventDefault(): void }, menu: HTMLElement): void {
  const keys = ['ArrowDown', 'ArrowUp', 'ArrowLeft', 'ArrowRight', 'Home', 'End'];
  if (!keys.includes(e.key)) return;
  // A search field inside the menu (the emoji picker's) keeps its arrows and Home/End.
  const active = document.activeElement;
  if (active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement) return;
  const items = [...menu.querySelectorAll<HTMLElement>(ITEMS)];
  if (items.length === 0) return;
  const at = items.indexOf(document.activeElement as HTMLElement);
  const next =
    e.key === 'Home'
      ? 0
      : e.key === 'End'
        ? items.length - 1
        : e.key === 'ArrowDown' || e.key === 'ArrowRight'
          ? (at + 1) % items.length
          : (at - 1 + items.length) % items.length;
  e.preventDefault();
  items[next]?.focus();
}
