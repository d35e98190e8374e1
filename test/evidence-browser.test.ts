import * as fs from 'fs';
import * as path from 'path';
import { chromium } from 'playwright-core';
import { produceEvidence } from '../lib/evidence';
import { synthReference } from './helpers/synth';

/** Debian's Chromium (`.ci/run` installs it); the test fails, loudly, if it is missing. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('the evidence page in a real browser', () => {
  test('renders offline with no console errors, and shows its sections', async () => {
    expect(fs.existsSync(CHROMIUM)).toBe(true);
    const r = synthReference(undefined, { complianceGate: false });
    const { dir } = produceEvidence(r.app, r.config, 'default', r.assemblyDir, r.findings);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('request', (req) => requests.push(req.url()));
      await page.goto(`file://${path.join(dir, 'index.html')}`);
      expect(await page.title()).toBe('HIPAA infrastructure evidence: example');
      for (const id of ['trust-center', 'sections', 'controls', 'accepted-findings', 'data-inventory', 'out-of-scope', 'provenance']) {
        expect(await page.locator(`#${id}`).isVisible()).toBe(true);
      }
      expect(await page.locator('#trust-center + p + ul li').first().innerText()).toMatch(/Audit records are kept 7 years/);
      await page.click('a[href="#control-audit-worm"]');
      expect(page.url()).toMatch(/#control-audit-worm$/);
      const shot = path.join(dir, 'screenshot.png');
      await page.screenshot({ path: shot, fullPage: false });
      expect(fs.statSync(shot).size).toBeGreaterThan(10_000);
      const pdf = await page.pdf({ format: 'A4' });
      expect(pdf.length).toBeGreaterThan(10_000);
      expect(problems).toEqual([]);
      expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
