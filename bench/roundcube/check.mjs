// Drives Roundcube (Debian's package, elastic skin) in headless Chromium through playwright-core
// for bench/roundcube_check.py, which starts Mailhaven and Roundcube, sends the test mail, and
// reads the results this prints. Not meant to be run alone.
//
// Usage: node check.mjs CONFIG.json
//   CONFIG: {node_cache, chromium, url, user, password, shots, profile, timeout_ms,
//            special: {Folder: class...}, thread: [subject...], filter: {name, subject, folder},
//            vacation: {subject, body}, raw: {script, line}}
// Prints one JSON object on standard output: {checks: [{name, ok, detail, data}]}; progress on
// standard error. Every check runs even when an earlier one failed (except after a failed login),
// and each leaves a screenshot NN-name.png in CONFIG.shots.
import fs from 'fs';
import path from 'path';
import { createRequire } from 'module';

const cfg = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
// playwright-core lives in a cache folder outside the repository (roundcube_check.py --node-cache).
const require = createRequire(path.join(cfg.node_cache, 'package.json'));
const { chromium } = require('playwright-core');

const checks = [];
let shotNumber = 0;

function log(text) {
  process.stderr.write(`[browser] ${text}\n`);
}

function oneLine(text, width = 300) {
  text = String(text).replace(/\s+/g, ' ').trim();
  return text.length <= width ? text : text.slice(0, width - 3) + '...';
}

function slug(name) {
  return name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
}

async function screenshot(page, name) {
  shotNumber += 1;
  const file = path.join(cfg.shots, `${String(shotNumber).padStart(2, '0')}-${slug(name)}.png`);
  try {
    await page.screenshot({ path: file });
  } catch (e) {
    log(`screenshot ${file} failed: ${oneLine(e.message, 120)}`);
  }
}

// Runs one check: fn returns {ok, detail, data}; an exception is a failure with its message.
async function check(page, name, fn) {
  let result;
  try {
    result = await fn();
  } catch (e) {
    result = { ok: false, detail: 'error: ' + oneLine(e.message.split('\n')[0], 250) };
  }
  await screenshot(page, name);
  checks.push({ name, ok: !!result.ok, detail: result.detail || '', data: result.data || null });
  log(`${name}: ${result.ok ? 'pass' : 'FAIL'} ${oneLine(result.detail || '', 200)}`);
  return result.ok;
}

// Roundcube shows its notices in #messagestack (the framed forms send theirs to the parent).
// Marks the notices already there, so that waitNotice sees only the one the next action brings.
async function markNotices(page) {
  await page.evaluate(() => document.querySelectorAll('#messagestack > div').forEach(d => { d.dataset.seen = '1'; }));
}

async function waitNotice(page) {
  const notice = await page.waitForSelector(
    '#messagestack > div:not([data-seen]):is(.confirmation, .error, .warning, .notice)');
  const cls = await notice.getAttribute('class');
  const kind = ['confirmation', 'error', 'warning', 'notice'].find(k => cls.split(/\s+/).includes(k));
  return { kind, text: oneLine(await notice.innerText(), 200) };
}

async function login(page) {
  await page.goto(cfg.url);
  await page.fill('#rcmloginuser', cfg.user);
  await page.fill('#rcmloginpwd', cfg.password);
  await Promise.all([page.waitForNavigation(), page.click('#rcmloginsubmit')]);
  const error = await page.$('#messagestack .error');
  if (error) {
    return { ok: false, detail: `login refused: "${oneLine(await error.innerText())}"` };
  }
  await page.waitForSelector('#mailboxlist li.mailbox');
  return { ok: true, detail: `logged in as ${cfg.user}` };
}

async function specialFolders(page) {
  await page.goto(cfg.url + '?_task=mail&_mbox=INBOX');
  await page.waitForSelector('#mailboxlist li.mailbox');
  // The skin draws each folder's icon as the ::before of its link, chosen by the li's class.
  // A plain folder's icon is read from a throw-away li of class "mailbox" only.
  const info = await page.evaluate(() => {
    const codes = content => [...content.replace(/^"|"$/g, '')].map(c => c.codePointAt(0).toString(16)).join(' ');
    const ul = document.querySelector('#mailboxlist');
    const dummy = document.createElement('li');
    dummy.className = 'mailbox';
    dummy.innerHTML = '<a href="#">plain</a>';
    ul.appendChild(dummy);
    const plain = codes(getComputedStyle(dummy.querySelector('a'), '::before').content);
    dummy.remove();
    const folders = [...ul.querySelectorAll('li.mailbox')].map(li => {
      const a = li.querySelector(':scope > a');
      return { name: a.getAttribute('rel'), label: a.innerText.trim(), classes: li.className.split(/\s+/),
               icon: codes(getComputedStyle(a, '::before').content) };
    });
    return { plain, folders };
  });
  const problems = [];
  const shown = [];
  const icons = new Map();
  for (const [folder, cls] of Object.entries(cfg.special)) {
    const f = info.folders.find(x => x.name === folder);
    if (!f) {
      problems.push(`${folder} not in the folder list`);
      continue;
    }
    if (!f.classes.includes(cls)) {
      problems.push(`${folder} has class "${f.classes.join(' ')}", not ${cls}`);
    } else if (!f.icon || f.icon === info.plain) {
      problems.push(`${folder} has the plain folder icon`);
    } else if (icons.has(f.icon)) {
      problems.push(`${folder} has the same icon as ${icons.get(f.icon)}`);
    } else {
      icons.set(f.icon, folder);
      shown.push(`${folder}=${cls}`);
    }
  }
  const list = info.folders.map(f => f.name).join(', ');
  return {
    ok: problems.length === 0,
    detail: problems.length ? `${problems.join('; ')} (folders: ${list})`
                            : `${shown.join(', ')}, each its own icon (folders: ${list})`,
    data: { folders: info.folders.map(f => f.name) },
  };
}

async function threads(page) {
  await page.goto(cfg.url + '?_task=mail&_mbox=INBOX');
  await page.waitForSelector('#messagelist tbody tr.message');
  const serverThreads = await page.evaluate(() => !!rcmail.env.threads);
  if (!serverThreads) {
    return { ok: false, detail: 'Roundcube offers no Threads mode (env.threads false: the server announces no THREAD)' };
  }
  // List options dialog (the "Options" button above the list): List mode = Threads, Save.
  await page.click('#layout-list a.options');
  await page.selectOption('.ui-dialog select[name="mode"]', 'threads');
  await page.click('.ui-dialog button.save');
  await page.waitForFunction(() => rcmail.env.threading && document.querySelector('#messagelist tbody tr.thread'));
  await page.waitForTimeout(300);
  const rows = () => page.evaluate(() => Object.values(rcmail.message_list.rows).map(r => ({
    uid: r.uid, id: r.id, depth: r.depth, parent: r.parent_uid, children: !!r.has_children,
    subject: r.obj.querySelector('span.subject a span, span.subject a')?.innerText.trim(),
    visible: r.obj.offsetParent !== null,
  })));
  const before = await rows();
  const [rootSubject, ...replySubjects] = cfg.thread;
  const root = before.find(r => r.subject === rootSubject);
  if (!root) {
    return { ok: false, detail: `no row "${rootSubject}" (rows: ${before.map(r => r.subject).join(' | ')})` };
  }
  const bySubject = s => before.find(r => r.subject === s);
  const replies = replySubjects.map(bySubject);
  if (replies.some(r => !r)) {
    return { ok: false, detail: `reply rows missing (rows: ${before.map(r => r.subject).join(' | ')})` };
  }
  const byUid = new Map(before.map(r => [r.uid, r]));
  const rootOf = r => { while (r && r.parent) r = byUid.get(r.parent); return r; };
  const outside = replies.filter(r => rootOf(r)?.uid !== root.uid);
  if (root.depth !== 0 || !root.children || outside.length) {
    return { ok: false, detail: `not one thread: ` + before.map(r => `"${r.subject}" depth ${r.depth} parent ${r.parent}`).join('; ') };
  }
  const depths = [root, ...replies].map(r => r.depth).join('/');
  const hiddenBefore = replies.filter(r => !r.visible).length;
  await page.click(`#rcmexpando${root.id}`);
  await page.waitForFunction(ids => ids.every(id => document.getElementById(id)?.offsetParent !== null),
                             replies.map(r => r.id));
  const after = await rows();
  const shown = replies.filter(r => after.find(a => a.uid === r.uid)?.visible).length;
  return {
    ok: hiddenBefore === replies.length && shown === replies.length,
    detail: `Threads mode on; ${1 + replies.length} messages in one thread (depths ${depths}), ` +
            `collapsed: ${replies.length - hiddenBefore} of ${replies.length} replies visible, ` +
            `after clicking the expander: ${shown} of ${replies.length}`,
  };
}

async function openFilters(page) {
  await page.goto(cfg.url + '?_task=settings&_action=plugin.managesieve');
  await page.waitForSelector('#filtersetslist tbody tr');
}

async function filterFrame(page, selector) {
  // The filter and filter-set forms open in the iframe "filter-box" (reloaded on each POST).
  await page.waitForFunction(() => {
    const f = document.querySelector('iframe[name="filter-box"]');
    return f && f.contentWindow && f.contentWindow.location.href.includes('_framed=1');
  });
  const frame = page.frame({ name: 'filter-box' });
  await frame.waitForSelector(selector);
  return frame;
}

async function createFilter(page) {
  await openFilters(page);
  await page.click('#layout-content a.create');
  const frame = await filterFrame(page, '#_name');
  await frame.fill('#_name', cfg.filter.name);
  await frame.selectOption('#header0', 'subject');
  await frame.selectOption('#rule_op0', 'contains');
  await frame.fill('input[name="_rule_target[0][]"]', cfg.filter.subject);
  await frame.selectOption('#action_type0', 'fileinto');
  await frame.selectOption('#action_mailbox0', cfg.filter.folder);
  await markNotices(page);
  await frame.click('button.submit');
  const notice = await waitNotice(page);
  if (notice.kind !== 'confirmation') {
    return { ok: false, detail: `saving said (${notice.kind}) "${notice.text}"` };
  }
  // Saved on the server: a fresh page lists it (Roundcube reads the script back with GETSCRIPT).
  await openFilters(page);
  const names = await page.$$eval('#filterslist tbody td.name', tds => tds.map(td => td.innerText.trim()));
  const ok = names.includes(cfg.filter.name);
  return {
    ok,
    detail: `"${notice.text}"; after reload the list has ${names.map(n => `"${n}"`).join(', ') || 'no filter'}` +
            ` (subject contains "${cfg.filter.subject}" -> move to ${cfg.filter.folder})`,
  };
}

async function vacation(page) {
  const url = cfg.url + '?_task=settings&_action=plugin.managesieve-vacation';
  await page.goto(url);
  await page.waitForSelector('#vacation_subject');
  await page.fill('#vacation_subject', cfg.vacation.subject);
  await page.fill('#vacation_reason', cfg.vacation.body);
  await page.selectOption('#vacation_status', 'on');
  await markNotices(page);
  await page.click('button.submit');
  const notice = await waitNotice(page);
  if (notice.kind !== 'confirmation') {
    return { ok: false, detail: `saving said (${notice.kind}) "${notice.text}"` };
  }
  await page.goto(url);
  await page.waitForSelector('#vacation_subject');
  const subject = await page.inputValue('#vacation_subject');
  const status = await page.inputValue('#vacation_status');
  const ok = subject === cfg.vacation.subject && status === 'on';
  return { ok, detail: `"${notice.text}"; after reload: status ${status}, subject "${subject}"` };
}

async function rawError(page) {
  await openFilters(page);
  // Filter set actions menu > "Edit filter set": the raw editor (managesieve_raw_editor).
  await page.click('#layout-list a.actions');
  await page.click('#filterset-menu a.edit');
  const frame = await filterFrame(page, '.CodeMirror');
  const before = await frame.evaluate(() => cmeditor.getValue());
  // Typed into CodeMirror through its own API (keyboard typing would add auto-indentation).
  await frame.evaluate(text => cmeditor.setValue(text), cfg.raw.script);
  await markNotices(page);
  await frame.click('button.submit');
  const notice = await waitNotice(page);
  if (notice.kind === 'confirmation') {
    return { ok: false, detail: `the broken script was accepted: "${notice.text}"` };
  }
  // The answer to the POST is the editor again, with rcmail.env.sieve_errors: [{line, msg}] parsed
  // from the server's "line N: ..."; it marks those lines (class line-error, a gutter dot whose
  // title is msg).
  await frame.waitForFunction(() => window.rcmail && rcmail.env.action === 'plugin.managesieve-saveraw'
                                    && document.querySelector('.CodeMirror'));
  try {
    await frame.waitForSelector('.CodeMirror .line-error', { timeout: 3000 });
  } catch (e) { /* none marked */ }
  const env = await frame.evaluate(() => rcmail.env.sieve_errors || []);
  const marked = await frame.evaluate(() => [...document.querySelectorAll('.CodeMirror .line-error')].map(bg => {
    const line = bg.parentNode;
    return {
      line: Number(line.querySelector('.CodeMirror-linenumber')?.innerText),
      title: line.querySelector('.CodeMirror-gutter-elt [title]')?.title || '',
      text: line.querySelector('pre')?.innerText || '',
    };
  }));
  const hit = marked.find(m => m.line === cfg.raw.line);
  const ok = !!hit && hit.title.trim().length > 0;
  let detail = `toast "${notice.text}"; `;
  if (hit) {
    detail += `line ${hit.line} (\`${oneLine(hit.text, 40)}\`) marked, tooltip "${oneLine(hit.title, 120)}"`;
  } else if (marked.length) {
    detail += `marked line(s) ${marked.map(m => m.line).join(', ')}, not ${cfg.raw.line}`;
  } else {
    detail += `no line marked (sieve_errors ${JSON.stringify(env)})`;
  }
  return { ok, detail, data: { sieve_errors: env, script_before: before } };
}

async function main() {
  fs.mkdirSync(cfg.shots, { recursive: true });
  const context = await chromium.launchPersistentContext(cfg.profile, {
    executablePath: cfg.chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
    viewport: { width: 1400, height: 900 },
  });
  try {
    const page = context.pages()[0] || await context.newPage();
    page.setDefaultTimeout(cfg.timeout_ms);
    page.on('pageerror', e => log(`page error: ${oneLine(e.message, 200)}`));
    if (await check(page, 'login', () => login(page))) {
      await check(page, 'special folders', () => specialFolders(page));
      await check(page, 'threads', () => threads(page));
      await check(page, 'filter saved', () => createFilter(page));
      await check(page, 'vacation saved', () => vacation(page));
      await check(page, 'raw script error line', () => rawError(page));
    }
  } finally {
    await context.close();
  }
  process.stdout.write(JSON.stringify({ checks }) + '\n');
}

main().catch(e => {
  log(`fatal: ${e.stack || e}`);
  process.stdout.write(JSON.stringify({ checks, fatal: oneLine(e.message, 300) }) + '\n');
  process.exit(1);
});
