// A governor approves a policy in a real browser. Run by tests/e2e/browser.rs, which
// starts attest and the OpenID test provider, submits a draft for review naming Gita
// as chair of governors, and sets ATTEST_URL, VERSION_ID, SCREENSHOTS and CHROMIUM.
// Gita finds the review waiting for her, reads what changed and the whole text,
// comments on a clause and approves, each page checked with axe-core and laid out for
// a phone, each form reached by keyboard.
import { checker, launch, signIn } from './check.mjs';

const base = process.env.ATTEST_URL;
const version = process.env.VERSION_ID;
const { audit, reachable, expectText, fail, finish } = checker(process.env.SCREENSHOTS);

// Posts one of the review page's forms on a fresh load and insists the page took it.
async function submit(page, action, fill) {
  await page.goto(`${base}/reviews/${version}`);
  const form = page.locator(`form[action$="/${action}"]`);
  if (!(await form.count())) throw new Error(`no ${action} form on ${page.url()}`);
  await fill(form);
  await Promise.all([page.waitForNavigation({ timeout: 5000 }), form.locator('button[type=submit]').click()]);
  const refused = page.locator('#form-error');
  if (await refused.count()) throw new Error(`${action} was refused: ${await refused.textContent()}`);
}

const browser = await launch();
try {
  const gita = await signIn(browser, base, 'gita', { width: 390, height: 844 });
  await gita.goto(`${base}/reviews`);
  await expectText(gita, 'your decision as Chair of governors', 'reviews');
  await audit(gita, 'reviews');
  await gita.click(`a[href="/reviews/${version}"]`);
  await expectText(gita, 'Your decision is asked for as Chair of governors', 'review');
  await expectText(gita, 'first version', 'review');
  await reachable(gita, 'form[action$="/approve"] button[type=submit]', 'review');
  await audit(gita, 'review');
  await submit(gita, 'comment', async (form) => {
    await form.locator('#clause').selectOption('1.2');
    await form.locator('#body').fill('Say that IT staff never ask for a password.');
  });
  await expectText(gita, 'Say that IT staff never ask for a password.', 'commented');
  await submit(gita, 'approve', async (form) => {
    await form.locator('#meeting').fill('Local governing body, 1 December 2026');
    await form.locator('#minute').fill('7.2');
  });
  await expectText(gita, 'Chair of governors approved', 'approved');
  await audit(gita, 'review-approved');
} catch (error) {
  fail(`approval walkthrough stopped: ${error.message}`);
} finally {
  await browser.close();
}
finish();
