// Debian's Chromium, driven by playwright-core (which never downloads a browser of its own).
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** CHROMIUM_PATH, or the first browser installed where Debian and Ubuntu put it. */
export function findChromium(): { path: string } | { missing: string } {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return existsSync(fromEnv) ? { path: fromEnv } : { missing: `CHROMIUM_PATH=${fromEnv} does not exist` };
  const found = CANDIDATES.find((candidate) => existsSync(candidate));
  return found
    ? { path: found }
    : { missing: `no Chromium at ${CANDIDATES.join(', ')} (apt-get install chromium, or set CHROMIUM_PATH)` };
}

// The flags this machine needs: no sandbox as root, no GPU, and none of Chromium's own background
// connections, which a closed network refuses (and which would slow every start).
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** playwright-core gives every launch a new, empty profile in a temporary folder and removes it on close. */
export async function launchChromium(executablePath: string): Promise<Browser> {
  return await chromium.launch({ executablePath, headless: true, args: FLAGS });
}
