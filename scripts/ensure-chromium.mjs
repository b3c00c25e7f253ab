// Makes sure the browser tests have Debian's Chromium before `npm test` runs them: installs it with
// apt-get where this user may (root, or sudo without a password), otherwise says how and fails.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const browser = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Runs a command with the terminal's output; true when it exits 0. */
function run(command, args, env = {}) {
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  return result.status === 0;
}

function found(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function install() {
  if (!found('apt-get')) return 'this machine has no apt-get';
  const asRoot = process.getuid?.() === 0;
  if (!asRoot && !(found('sudo') && run('sudo', ['-n', 'true']))) {
    return 'installing needs root (or sudo without a password)';
  }
  const prefix = asRoot ? [] : ['sudo', '-n', 'env', 'DEBIAN_FRONTEND=noninteractive'];
  const apt = (args) =>
    asRoot
      ? run('apt-get', args, { DEBIAN_FRONTEND: 'noninteractive' })
      : run(prefix[0], [...prefix.slice(1), 'apt-get', ...args]);
  console.log("ensure-chromium: installing Debian's chromium for the browser tests (apt-get)");
  if (!apt(['update', '-qq'])) return 'apt-get update failed';
  if (!apt(['install', '-y', '-qq', 'chromium'])) return 'apt-get install chromium failed';
  return existsSync(browser) ? undefined : `apt-get installed chromium, but ${browser} is missing`;
}

if (!existsSync(browser)) {
  const failure = process.env['CHROMIUM_PATH']
    ? `CHROMIUM_PATH is set and ${browser} does not exist`
    : install();
  if (failure !== undefined) {
    console.error(
      `ensure-chromium: the browser tests need Chromium at ${browser}, and ${failure}.\n` +
        "Install Debian's package (sudo apt-get install chromium) or set CHROMIUM_PATH to a Chromium binary.",
    );
    process.exit(1);
  }
}
