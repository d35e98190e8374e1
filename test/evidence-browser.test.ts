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

      // The table of contents comes first, and every in-page link (contents, trust center, controls) has a target.
      const toc = await page.locator('nav#contents a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      expect(toc).toEqual(expect.arrayContaining(['#summary', '#binding', '#trust-center', '#controls', '#accepted-findings']));
      const dangling = await page.evaluate<string[]>(
        `[...document.querySelectorAll('a[href^="#"]')].map((a) => a.getAttribute('href')).filter((h) => !document.getElementById(h.slice(1)))`,
      );
      expect(dangling).toEqual([]);

      // The summary and the binding are above the fold of a 900 px high window.
      const fold = 900;
      const summary = (await page.locator('#summary table.counts').boundingBox())!;
      expect(summary.y + summary.height).toBeLessThan(fold);
      expect(await page.locator('#summary table.counts').innerText()).toMatch(
        /21\s+controls[\s\S]*met[\s\S]*met with accepted finding[\s\S]*not met/,
      );
      const binding = (await page.locator('#binding table').boundingBox())!;
      expect(binding.y).toBeLessThan(fold);
      expect(await page.locator('#binding table').innerText()).toMatch(/git commit[\s\S]*config[\s\S]*SHA-256 [0-9a-f]{64}[\s\S]*manifest/);

      // Long detail is folded: the page was ~34,000 px tall before; measured 7,900 px at 1280 px wide.
      const height = await page.evaluate<number>('document.documentElement.scrollHeight');
      expect(height).toBeLessThan(12_000);

      // One click from the control overview to a control's resource table (fragment navigation opens its <details>).
      await page.click('a[href="#control-log-retention-resources"]');
      expect(page.url()).toMatch(/#control-log-retention-resources$/);
      expect(await page.locator('#control-log-retention-resources').isVisible()).toBe(true);
      await page.click('a[href="#control-audit-worm"]');
      expect(page.url()).toMatch(/#control-audit-worm$/);
      expect(await page.locator('#control-audit-worm h3').isVisible()).toBe(true);

      // Readable tables with everything unfolded: nothing wider than the window, and identifiers (rule ids, control
      // and interaction ids) wrap only after a separator, never inside a word; logical ids also between camel-case words.
      await page.evaluate(`document.querySelectorAll('details').forEach((d) => (d.open = true))`);
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1280);
      const broken = await page.evaluate<{ out: string[]; checked: number }>(`(() => {
        const out = [];
        for (const el of document.querySelectorAll('code.id')) {
          const text = el.textContent;
          const tops = [];
          const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            for (let i = 0; i < n.textContent.length; i++) {
              const r = document.createRange();
              r.setStart(n, i);
              r.setEnd(n, i + 1);
              tops.push(r.getBoundingClientRect().top);
            }
          }
          for (let i = 1; i < text.length; i++) {
            if (tops[i] <= tops[i - 1] + 2) continue;
            const atSeparator = /[-.:_/]/.test(text[i - 1]);
            const atCamel = el.classList.contains('lid') && /[a-z]/.test(text[i - 1]) && /[A-Z]/.test(text[i]);
            if (!atSeparator && !atCamel) out.push(text.slice(0, i) + '|' + text.slice(i));
          }
        }
        return { out, checked: document.querySelectorAll('td.rule code.id').length };
      })()`);
      expect(broken.checked).toBeGreaterThan(20);
      expect(broken.out).toEqual([]);
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
