// afterPack hook used only by the offline packaging check: the `dir` target writes no .desktop file
// (only AppImage/deb do, and their tools need downloads), so ask electron-builder's own Linux
// helper to compute the entry from our config and write it beside the app for the test to read.
const fs = require('node:fs/promises');
const path = require('node:path');

exports.default = async function writeDesktopEntry(context) {
  if (context.electronPlatformName !== 'linux') return;
  const builder = path.dirname(require.resolve('electron-builder/package.json', { paths: [process.cwd()] }));
  const lib = path.dirname(require.resolve('app-builder-lib/package.json', { paths: [builder] }));
  const { LinuxTargetHelper } = require(path.join(lib, 'out/targets/LinuxTargetHelper.js'));
  const helper = new LinuxTargetHelper(context.packager);
  const entry = await helper.computeDesktopEntry(context.packager.platformSpecificBuildOptions);
  await fs.writeFile(path.join(context.appOutDir, `${helper.getDesktopFileName()}.desktop`), entry);
};
