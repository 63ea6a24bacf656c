// A member of staff reads KCSIE in a real browser and answers its check of
// understanding: a wrong attempt is refused with the score and the form comes back,
// then the right answers and their name confirm it. Then the school's admin opens the
// inspector's view. Run by tests/e2e/browser_learning.rs, which sets ATTEST_URL,
// READER_PATH, OBLIGATIONS_PATH, SESSION, SCREENSHOTS and CHROMIUM.
// Each page is checked with axe-core, reached with the keyboard and laid out for a phone.
import { checker, launch } from './check.mjs';

const base = process.env.ATTEST_URL;
const { audit, reachable, expectText, fail, finish } = checker(process.env.SCREENSHOTS);
const phone = { width: 390, height: 844 };

async function confirm(page, choices) {
  for (const [question, option] of choices.entries()) {
    await page.check(`input[name="check.${question}"][value="${option}"]`);
  }
  await page.fill('#typed_name', 'Ann Teacher');
  await Promise.all([page.waitForNavigation({ timeout: 5000 }), page.click('button[value=sign]')]);
}

const browser = await launch();
try {
  const reader = await (await browser.newContext({ bypassCSP: true, viewport: phone })).newPage();
  await reader.goto(`${base}${process.env.READER_PATH}`);
  await expectText(reader, 'confirm below that you have read and understood it', 'reading');
  await expectText(reader, 'Check of understanding', 'reading');
  await expectText(reader, '2 of 3 right answers are needed', 'reading');
  await reachable(reader, 'button[value=sign]', 'reading');
  await audit(reader, 'reading');
  await confirm(reader, [0, 1, 0]);
  await expectText(reader, 'you answered 1 of 3 questions correctly and 2 are needed', 'check-failed');
  await audit(reader, 'check-failed');
  await confirm(reader, [1, 0, 0]);
  await expectText(reader, 'you have confirmed you read and understood it', 'understood');
  await expectText(reader, 'passed the check of understanding: 3 of 3', 'understood');
  await audit(reader, 'understood');

  const adminContext = await browser.newContext({ bypassCSP: true, viewport: phone });
  await adminContext.addCookies([{ name: 'attest_session', value: process.env.SESSION, url: base }]);
  const admin = await adminContext.newPage();
  await admin.goto(`${base}${process.env.OBLIGATIONS_PATH}`);
  await expectText(admin, 'staff obligations', 'obligations');
  await expectText(admin, 'Out of date', 'obligations');
  await audit(admin, 'obligations');
} catch (error) {
  fail(`reading stopped: ${error.message}`);
} finally {
  await browser.close();
}
finish();
