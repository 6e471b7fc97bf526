/** WCAG 2.x contrast between two sRGB colours written as #rgb or #rrggbb. */
export function contrastRatio(a: string, b: string): number {
  const la = luminance(a);
  const lb = luminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

function luminance(hex: string): number {
  const m = hex.trim().match(/^#([0-9a-f]{3}|[0-9a-f]{6})$/i);
  if (!m) throw new Error(`Not a hex colour: ${hex}`);
  const h = m[1] as string;
  const full = h.length === 3 ? [...h].map((c) => c + c).join('') : h;
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = Number.parseInt(full.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/**
 * Custom properties per selector in a stylesheet's text (flat rules, as theme.css has; the innermost
 * selector of a nested block). indexOf and split only: no regex to backtrack.
 */
export function cssVariables(css: string): Map<string, Record<string, string>> {
  let text = '';
  for (let at = 0; at < css.length; ) {
    const open = css.indexOf('/*', at);
    if (open < 0) {
      text += css.slice(at);
      break;
    }
    text += css.slice(at, open);
    const close = css.indexOf('*/', open + 2);
    at = close < 0 ? css.length : close + 2;
  }
  const out = new Map<string, Record<string, string>>();
  for (const chunk of text.split('}')) {
    const brace = chunk.lastIndexOf('{');
    if (brace < 0) continue;
    const selectors = chunk.slice(chunk.lastIndexOf('{', brace - 1) + 1, brace);
    const vars: Record<string, string> = {};
    for (const decl of chunk.slice(brace + 1).split(';')) {
      const colon = decl.indexOf(':');
      const name = decl.slice(0, colon).trim();
      if (colon > 0 && name.startsWith('--')) vars[name] = decl.slice(colon + 1).trim();
    }
    if (Object.keys(vars).length === 0) continue;
    for (const sel of selectors.split(',')) {
      const key = sel.trim();
      out.set(key, { ...out.get(key), ...vars });
    }
  }
  return out;
}

export function themePalettes(css: string): { name: string; vars: Record<string, string> }[] {
  const all = cssVariables(css);
  const root = all.get(':root') ?? {};
  const themes = { light: root, dark: { ...root, ...all.get(':root[data-theme="dark"]') } };
  const accents = [...all.keys()]
    .map((sel) => sel.match(/^:root\[data-accent="([\w-]+)"\]$/)?.[1])
    .filter((a): a is string => Boolean(a));
  const out = [];
  for (const [theme, base] of Object.entries(themes)) {
    out.push({ name: `${theme}`, vars: base });
    for (const accent of accents) {
      const accentVars = all.get(`:root[data-accent="${accent}"]`) ?? {};
      const themed = theme === 'dark' ? all.get(`:root[data-theme="dark"][data-accent="${accent}"]`) : undefined;
      out.push({ name: `${theme}/${accent}`, vars: { ...base, ...accentVars, ...themed } });
    }
  }
  return out;
}
