// attest's pages in a real browser (headless Chromium, Debian's package), driven by
// playwright-core. Run by tests/e2e/browser.rs, which starts attest and the OpenID test
// provider and sets the environment:
//   ATTEST_URL     where attest listens        SCHOOL_ID  the staff member's school
//   SCREENSHOTS    where to save the PNGs       CHROMIUM   the browser (default /usr/bin/chromium)
// A member of staff signs in through the provider, signs the policy and reports a
// breach; her school admin sees the signature on the dashboard; the DPO sees the breach
// on the desk. Every page is checked with axe-core (WCAG 2 A and AA), reached by
// keyboard where it has a form, and laid out for a phone.
import { checker, launch } from './check.mjs';

const base = process.env.ATTEST_URL;
const school = process.env.SCHOOL_ID;
const { audit, reachable, expectText, fail, finish } = checker(process.env.SCREENSHOTS);

async function signIn(browser, account, viewport) {
  const context = await browser.newContext({ bypassCSP: true, viewport });
  const page = await context.newPage();
  await page.goto(`${base}/auth/alpha/oidc/login`);
  await page.fill('input[name=login]', account);
  await page.fill('input[name=password]', 'any password');
  await page.click('button[type=submit]');
  await page.click('button[type=submit]');
  // The front door sends each person to their start page.
  await page.waitForURL((url) => /^\/(me|schools\/|breaches|trust)/.test(url.pathname));
  return page;
}

const browser = await launch();
try {
  // A member of staff, on a phone.
  const ann = await signIn(browser, 'ann', { width: 390, height: 844 });
  await expectText(ann, 'Ann Alpha', 'me');
  await audit(ann, 'me');
  await ann.click('main a[href^="/me/sign/"]');
  await ann.waitForSelector('#typed_name');
  await reachable(ann, 'button[value=sign]', 'sign');
  await audit(ann, 'sign');
  for (const group of await ann.locator('fieldset').all()) {
    const radio = group.locator('input[type=radio]').first();
    if (await radio.count()) await radio.check();
    const text = group.locator('input[type=text]');
    if (await text.count()) await text.fill('yes');
  }
  await ann.fill('#typed_name', 'Ann Alpha');
  await ann.click('button[value=sign]');
  await ann.waitForSelector('text=you have signed');
  await audit(ann, 'signed');

  await ann.goto(`${base}/breaches/new`);
  await reachable(ann, 'form button[type=submit]', 'report');
  await ann.fill('#what_happened', 'A printed class list was left on the bus.');
  await ann.fill('#how_discovered', 'The driver rang the school office.');
  for (const name of ['cyber_incident', 'staff_involved', 'recovered_or_contained']) {
    await ann.check(`input[name=${name}][value=no]`);
  }
  await ann.check('input[name=data][value=basic_identifiers]');
  await ann.check('input[name=people][value=pupils]');
  await ann.fill('#people_affected', '30');
  await audit(ann, 'report');
  const invalid = await ann.evaluate(() =>
    [...document.querySelectorAll('form :invalid')].map((field) => `${field.name}: ${field.validationMessage}`),
  );
  if (invalid.length) throw new Error(`the report form refuses: ${invalid.join('; ')}`);
  // Fill it again on a fresh load: after axe's injected script and a full-page
  // screenshot, Chromium's hit-testing sends the click to the form, not the button.
  await ann.reload();
  await ann.fill('#what_happened', 'A printed class list was left on the bus.');
  await ann.fill('#how_discovered', 'The driver rang the school office.');
  for (const name of ['cyber_incident', 'staff_involved', 'recovered_or_contained']) {
    await ann.check(`input[name=${name}][value=no]`);
  }
  await ann.check('input[name=data][value=basic_identifiers]');
  await ann.check('input[name=people][value=pupils]');
  await Promise.all([ann.waitForNavigation({ timeout: 5000 }), ann.click('form button[type=submit]')]);
  const refused = ann.locator('.error');
  if (await refused.count()) throw new Error(`the report was refused: ${await refused.textContent()}`);
  if (!/\/breaches\/[0-9a-f-]{36}$/.test(ann.url())) throw new Error(`the report went to ${ann.url()}`);
  await expectText(ann, 'A printed class list was left on the bus.', 'reported');
  const reference = (await ann.textContent('h1')).split(':')[0].trim();
  await audit(ann, 'reported');

  // Her school admin, at a desk.
  const sam = await signIn(browser, 'sam', { width: 1280, height: 900 });
  await sam.goto(`${base}/schools/${school}?status=compliant`);
  await expectText(sam, 'Ann Alpha', 'school');
  await reachable(sam, '.filters button', 'school');
  await audit(sam, 'school');

  // The DPO.
  const dee = await signIn(browser, 'dee', { width: 1280, height: 900 });
  await dee.goto(`${base}/breaches`);
  await expectText(dee, reference, 'breaches');
  await audit(dee, 'breaches');
  await dee.click(`text=${reference}`);
  await expectText(dee, 'Timeline', 'breach');
  await audit(dee, 'breach');
  await dee.goto(`${base}/trust`);
  await audit(dee, 'trust');
} catch (error) {
  fail(`walkthrough stopped: ${error.message}`);
} finally {
  await browser.close();
}
finish();
