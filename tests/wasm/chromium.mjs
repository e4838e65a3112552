// Shared by the headless-Chromium tests (browser_test.mjs, speech_browser_test.mjs,
// intent_browser_test.mjs): a localhost
// HTTP server for the repository and the wasm build, and Debian's chromium through playwright-core.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const wasmDir = process.env.MOTE_WASM_DIR;
const chromiumPath = '/usr/bin/chromium';

let playwright = null;
try {
  playwright = await import('playwright-core');
} catch {
  // reported as the skip reason below
}
/** Why the browser tests cannot run here, or false. */
export const skipReason = !wasmDir
  ? 'MOTE_WASM_DIR unset: run tests/wasm/run_wasm_tests.sh'
  : !existsSync(chromiumPath)
    ? `${chromiumPath} missing (apt-get install chromium)`
    : !playwright
      ? 'playwright-core missing (cd tests/wasm && npm ci --ignore-scripts)'
      : false;

const TYPES = {
  '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css',
  '.txt': 'text/plain', '.wav': 'audio/wav',
};

/** Serves `/build/...` from the wasm build directory (or `dirs[name]` for `/name/...`) and
 * everything else from the repository. Resolves to the listening server. */
export function serve(dirs = {}) {
  const mounts = { build: wasmDir, ...dirs };
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    const mount = Object.keys(mounts).find((m) => path.startsWith(`/${m}/`));
    const [base, rest] = mount ? [mounts[mount], path.slice(mount.length + 2)] : [root, path.slice(1)];
    const file = normalize(join(base, rest));
    if (!file.startsWith(normalize(base + sep)) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Headless Chromium in a fresh profile; `close()` also removes the profile. */
export async function launch(viewport, extraArgs = []) {
  const profile = mkdtempSync(join(tmpdir(), 'mote-chromium-'));
  const context = await playwright.chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', ...extraArgs],
  });
  const page = context.pages()[0] || (await context.newPage());
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => msg.type() === 'error' && problems.push(`console: ${msg.text()}`));
  return {
    page,
    problems,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
