// Two members of staff re-sign a changed policy in a real browser; the trust asks for
// 3 seconds and the end of the text. Run by tests/e2e/browser_resign.rs, which sets
// ATTEST_URL, SCRIPTS_ON_PATH, SCRIPTS_OFF_PATH, SCREENSHOTS and CHROMIUM.
// With scripts on (attest's page has none of its own): waiting is not enough until the
// reader scrolls the text to its end, which loads the lazy marker image. With scripts
// off, the browser cannot say where the reader scrolled: only the time is asked.
// Each page is checked with axe-core and laid out for a phone.
import { checker, launch } from './check.mjs';

const base = process.env.ATTEST_URL;
const { audit, reachable, expectText, fail, finish } = checker(process.env.SCREENSHOTS);
const phone = { width: 390, height: 844 };

async function sign(page, name) {
  await page.fill('#typed_name', name);
  await page.check('input[name="answer.consent_1"] >> nth=0');
  await Promise.all([page.waitForNavigation({ timeout: 5000 }), page.click('button[value=sign]')]);
}

const browser = await launch();
try {
  // Scripts on: the end of the text must be reached.
  const on = await (await browser.newContext({ bypassCSP: true, viewport: phone })).newPage();
  await on.goto(`${base}${process.env.SCRIPTS_ON_PATH}`);
  await expectText(on, 'What changed since you signed version 1', 'resign');
  await expectText(on, 'take at least 3 seconds', 'resign');
  await reachable(on, 'button[value=sign]', 'resign');
  await audit(on, 'resign');
  await on.waitForTimeout(3500);
  await sign(on, 'Ivy Reader');
  await expectText(on, 'please read the policy to its end', 'not-to-the-end');
  // The reader scrolls the text to its end; the browser then fetches the marker.
  const marker = on.waitForResponse((response) => response.url().endsWith('/end'), { timeout: 10000 });
  await on.hover('.policy');
  for (let step = 0; step < 40; step += 1) await on.mouse.wheel(0, 400);
  await marker;
  await sign(on, 'Ivy Reader');
  await expectText(on, 'you have signed', 'signed');
  await audit(on, 'resigned');

  // Scripts off: only the time.
  const offContext = await browser.newContext({ javaScriptEnabled: false, viewport: phone });
  const off = await offContext.newPage();
  await off.goto(`${base}${process.env.SCRIPTS_OFF_PATH}`);
  await sign(off, 'Hal Again');
  await expectText(off, 'please take at least 3 seconds', 'too-soon');
  await off.waitForTimeout(3500);
  await sign(off, 'Hal Again');
  await expectText(off, 'you have signed', 'signed-without-scripts');
} catch (error) {
  fail(`re-signing stopped: ${error.message}`);
} finally {
  await browser.close();
}
finish();
