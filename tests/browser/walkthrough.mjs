// attest's pages in a real browser (headless Chromium, Debian's package), driven by
// playwright-core. Run by tests/e2e/browser.rs, which starts attest and the OpenID test
// provider and sets the environment:
//   ATTEST_URL     where attest listens        SCHOOL_ID  the staff member's school
//   SCREENSHOTS    where to save the PNGs       CHROMIUM   the browser (default /usr/bin/chromium)
// A member of staff signs in through the provider, signs the policy and reports a
// breach; her school admin sees the signature on the dashboard; the DPO sees the breach
// on the desk. Every page is checked with axe-core (WCAG 2 A and AA), reached by
// keyboard where it has a form, and laid out for a phone.
import { checker, launch, signIn as signInAt } from './check.mjs';

const base = process.env.ATTEST_URL;
const school = process.env.SCHOOL_ID;
const { audit, reachable, expectText, fail, finish } = checker(process.env.SCREENSHOTS);

const signIn = (browser, account, viewport) => signInAt(browser, base, account, viewport);

// Post one of the breach page's forms as the DPO would, on a fresh load (see the report
// form's note on clicks after axe), and insist the page took it.
async function submit(page, action, fill) {
  await page.reload();
  const form = page.locator(`form[action$="/${action}"]`);
  if (!(await form.count())) throw new Error(`no ${action} form on ${page.url()}`);
  await fill(form);
  await Promise.all([page.waitForNavigation({ timeout: 5000 }), form.locator('button[type=submit]').click()]);
  const refused = page.locator('#form-error');
  if (await refused.count()) throw new Error(`${action} was refused: ${await refused.textContent()}`);
}

// Every step of the DPO's work from the breach page: triage, assessment, the ICO report
// and a follow-up, telling the people, telling another body, a note, an evidence file,
// handing it on, correcting the facts, the ICO pack, the board report, closing.
async function dpoWorksTheBreach(dee) {
  const breach = dee.url();
  await reachable(dee, 'form[action$="/triage"] button[type=submit]', 'triage');
  await submit(dee, 'triage', async (form) => {
    await form.locator('textarea[name=notes]').fill('A class list: names only, no special category data.');
  });
  await expectText(dee, 'Dee', 'triaged');
  await audit(dee, 'breach-triaged');
  await reachable(dee, 'form[action$="/assess"] button[type=submit]', 'assess');
  await submit(dee, 'assess', async (form) => {
    await form.locator('#consequences').fill('Pupils could be identified by strangers.');
    await form.locator('#likelihood').selectOption('medium');
    await form.locator('#severity').selectOption('medium');
    await form.locator('#containment_actions').fill('The driver returned the list the same day.');
    await form.locator('#measures_proposed').fill('Class lists stay in school.');
    await form.locator('input[name=notify_ico][value=yes]').check();
    await form.locator('#ico_reasons').fill('Thirty pupils identified outside school.');
    await form.locator('input[name=notify_subjects][value=yes]').check();
  });
  await submit(dee, 'ico', async (form) => {
    await form.locator('#ico_reference').fill('IC-123456-A1B2');
  });
  await expectText(dee, 'IC-123456-A1B2', 'ico');
  await submit(dee, 'ico', async (form) => {
    await form.locator('#ico_reference').fill('IC-123456-A1B2');
    await form.locator('#ico_detail').fill('The list was recovered intact.');
  });
  await expectText(dee, 'ICO follow-up', 'ico follow-up');
  await submit(dee, 'subjects', async (form) => {
    await form.locator('#subjects_how').fill('A letter home');
    await form.locator('#subjects_message').fill('A list with your child\'s name was left on a bus and returned.');
    await form.locator('#people_told').fill('30');
  });
  await submit(dee, 'other', async (form) => {
    await form.locator('#party').selectOption({ index: 0 });
    await form.locator('#other_reference').fill('BOARD-7');
  });
  await expectText(dee, 'BOARD-7', 'other');
  await submit(dee, 'note', async (form) => {
    await form.locator('#note_text').fill('Spoke to the driver.');
  });
  await submit(dee, 'evidence', async (form) => {
    await form.locator('#evidence_file').setInputFiles({
      name: 'driver-call.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('The driver rang at 08:10 and brought the list back at 09:00.\n'),
    });
    await form.locator('#evidence_description').fill('Notes of the call');
  });
  await expectText(dee, 'driver-call.txt', 'evidence');
  await submit(dee, 'assign', async (form) => {
    await form.locator('#handler').selectOption({ index: 0 });
  });
  await audit(dee, 'breach-worked');

  await dee.goto(`${breach}/correct`);
  await audit(dee, 'correct');
  await dee.reload();
  await dee.fill('#people_affected', '31');
  await dee.fill('#correction_note', 'One more pupil was on the list.');
  await Promise.all([dee.waitForNavigation({ timeout: 5000 }), dee.click('form button[type=submit]')]);
  if (dee.url() !== breach) throw new Error(`the correction went to ${dee.url()}`);
  await expectText(dee, '31', 'corrected');

  await dee.goto(`${breach}/ico-pack`);
  await expectText(dee, 'IC-123456-A1B2', 'ico-pack');
  await audit(dee, 'ico-pack');
  await dee.goto(`${base}/breaches/board-report`);
  await expectText(dee, 'Breaches by school', 'board-report');
  await audit(dee, 'board-report');

  await dee.goto(breach);
  await submit(dee, 'close', async (form) => {
    await form.locator('#close_note').fill('Recovered; people told; ICO satisfied.');
    await form.locator('#lessons').fill('Registers go digital.');
  });
  await expectText(dee, 'the breach is closed', 'closed');
  await audit(dee, 'breach-closed');
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
  await dpoWorksTheBreach(dee);
  await dee.goto(`${base}/trust`);
  await audit(dee, 'trust');
} catch (error) {
  fail(`walkthrough stopped: ${error.message}`);
} finally {
  await browser.close();
}
finish();
