/**
 * A static audit of the main process, preload and packaging config against Electron's security
 * checklist. It is deliberately simple text matching over our own (small) sources: its job is to
 * fail loudly when someone flips a switch, not to be a general linter.
 */
export type SourceFile = { path: string; text: string };
export type Finding = { rule: string; file: string; line: number; text: string };

/** `exposeInMainWorld(` with `ipcRenderer` before its closing parenthesis (string search: linear). */
function exposesIpcRenderer(code: string): boolean {
  const at = code.indexOf('exposeInMainWorld(');
  if (at < 0) return false;
  const close = code.indexOf(')', at);
  return code.slice(at, close < 0 ? code.length : close).includes('ipcRenderer');
}

const FORBIDDEN: Array<{ rule: string; pattern: RegExp | ((code: string) => boolean) }> = [
  { rule: 'nodeIntegration enabled', pattern: /nodeIntegration(InWorker|InSubFrames)?\s*:\s*true/ },
  { rule: 'contextIsolation disabled', pattern: /contextIsolation\s*:\s*false/ },
  { rule: 'sandbox disabled', pattern: /sandbox\s*:\s*false/ },
  { rule: 'webSecurity disabled', pattern: /webSecurity\s*:\s*false/ },
  { rule: 'insecure content allowed', pattern: /allowRunningInsecureContent\s*:\s*true/ },
  { rule: 'webview tag enabled', pattern: /webviewTag\s*:\s*true/ },
  { rule: 'app loaded from file://', pattern: /\.loadFile\(|loadURL\(\s*['"`]file:/ },
  { rule: '@electron/remote used', pattern: /@electron\/remote|enableRemoteModule/ },
  { rule: 'certificate errors ignored', pattern: /ignore-certificate-errors|setCertificateVerifyProc/ },
  { rule: 'generic IPC exposed', pattern: exposesIpcRenderer },
  { rule: 'generic IPC exposed', pattern: /ipcRenderer\.(send|sendSync|sendToHost)\(/ },
];

/** The only sanctioned way to reach shell.openExternal: injected into a validating wrapper. */
const INJECTED_OPEN_EXTERNAL =
  /(openExternal:\s*\(url\)\s*=>\s*shell\.openExternal\(url\))|(shellHandlers\(\(url\)\s*=>\s*shell\.openExternal\(url\)(,\s*\w+)?\))/;

function lines(file: SourceFile): string[] {
  return file.text.split('\n');
}

export function auditSources(files: SourceFile[], builderConfig: string): Finding[] {
  const findings: Finding[] = [];
  const add = (rule: string, file: string, line: number, text: string) => findings.push({ rule, file, line, text });

  for (const file of files) {
    const isPreload = /preload\/index\.ts$/.test(file.path);
    lines(file).forEach((text, i) => {
      const comment = text.indexOf('//');
      const code = comment < 0 ? text : text.slice(0, comment);
      for (const { rule, pattern } of FORBIDDEN)
        if (typeof pattern === 'function' ? pattern(code) : pattern.test(code))
          add(rule, file.path, i + 1, text.trim());
      if (
        /\bipcRenderer\b/.test(code) &&
        /from\s+['"]electron['"]|require\(['"]electron['"]\)/.test(code) &&
        !isPreload
      )
        add('ipcRenderer imported outside the preload', file.path, i + 1, text.trim());
      if (/\bwebPreferences\s*:/.test(code) && !/webPreferences\s*:\s*buildWebPreferences\(/.test(code))
        add('webPreferences not built by buildWebPreferences()', file.path, i + 1, text.trim());
      if (/\bopenExternal\(/.test(code)) {
        const sanctioned =
          INJECTED_OPEN_EXTERNAL.test(code) ||
          (/security\.ts$/.test(file.path) && /^\s*await openExternal\(url\);$/.test(code));
        if (!sanctioned) add('shell.openExternal not behind the URL validator', file.path, i + 1, text.trim());
      }
    });
  }

  const security = files.find((f) => /main\/security\.ts$/.test(f.path));
  if (security) {
    // openExternalSafely must validate before it opens.
    const start = security.text.indexOf('export async function openExternalSafely');
    const end = start < 0 ? -1 : security.text.indexOf('\n}', start);
    const body = end < 0 ? '' : security.text.slice(start, end + 2);
    const validateAt = body.indexOf('validateExternalUrl(');
    const openAt = body.indexOf('await openExternal(url)');
    if (validateAt < 0 || openAt < 0 || validateAt > openAt || !/if \(!url\) return false;/.test(body))
      add('openExternalSafely does not validate first', security.path, 0, 'openExternalSafely');
  } else add('missing security.ts', 'electron/main/security.ts', 0, '');

  const index = files.find((f) => /main\/index\.ts$/.test(f.path));
  const protocolFile = files.find((f) => /main\/app-protocol\.ts$/.test(f.path));
  if (!index || !/installCspHeader\(/.test(index.text) || !/getCsp:\s*csp/.test(index.text))
    add('missing CSP', index?.path ?? 'electron/main/index.ts', 0, 'CSP not installed for dev server and app://');
  if (!protocolFile || !/'Content-Security-Policy'\]\s*=\s*options\.getCsp\(\)/.test(protocolFile.text))
    add('missing CSP', protocolFile?.path ?? 'electron/main/app-protocol.ts', 0, 'app:// documents carry no CSP');
  if (!index || !/installPermissionHandlers\(/.test(index.text))
    add('no permission handler', index?.path ?? 'electron/main/index.ts', 0, '');
  const windows = files.find((f) => /main\/windows\.ts$/.test(f.path));
  if (!windows || !/attachNavigationGuards\(/.test(windows.text))
    add('no navigation guards', windows?.path ?? 'electron/main/windows.ts', 0, '');

  const fuses: Array<[string, string]> = [
    ['runAsNode', 'false'],
    ['enableCookieEncryption', 'true'],
    ['enableNodeOptionsEnvironmentVariable', 'false'],
    ['enableNodeCliInspectArguments', 'false'],
    ['enableEmbeddedAsarIntegrityValidation', 'true'],
    ['onlyLoadAppFromAsar', 'true'],
  ];
  // An indented `fuse: value` line (under electronFuses:), compared as text rather than a built regex.
  const configLines = builderConfig.split('\n');
  const isSet = (fuse: string, value: string) =>
    configLines.some(
      (line) =>
        /^\s/.test(line) &&
        line
          .trim()
          .split(':')
          .map((part) => part.trim())
          .join(':') === `${fuse}:${value}`,
    );
  for (const [fuse, value] of fuses)
    if (!isSet(fuse, value)) add('Electron fuse not set', 'electron-builder.yml', 0, `${fuse}: ${value}`);
  if (!/^asar:\s*true\s*$/m.test(builderConfig)) add('asar disabled', 'electron-builder.yml', 0, 'asar: true');
  return findings;
}
