// The reader's site in a real browser: Debian's Chromium driven by playwright-core.
//
// node tests/browser/check.mjs CONFIG.json   prints one JSON object with every finding.
// CONFIG: {chromium, root (the site's address, ending in /), pages: {name: path},
//          search: {word, expect, country}, filter: {kind, key, expect}, screenshots (a folder or "")}
// The Python tests (tests/test_browser.py) build the site, serve it on 127.0.0.1, run this
// once and assert on the findings; this script only observes and reports.
import { join } from "node:path";
import { axeViolations, config, launch, newPage as openPage } from "./common.mjs";

const url = (path) => new URL(path, config.root).href;

const browser = await launch();
const out = { axe: {}, overflow320: {}, search: {}, filter: {}, keyboard: {}, print: {}, errors: [] };

async function newPage(width = 1280, height = 900) {
  const opened = await openPage(browser, out.errors, width, height);
  const { page } = opened;
  page.on("console", (m) => {
    if (m.type() === "error") out.errors.push(`${page.url()}: console: ${m.text()}`);
  });
  return opened;
}

async function shot(page, name) {
  if (config.screenshots) await page.screenshot({ path: join(config.screenshots, `${name}.png`), fullPage: true });
}

async function waitForResults(page) {
  await page.waitForFunction(() => {
    const status = document.getElementById("search-status");
    return status && status.textContent && !/…|\.\.\./.test(status.textContent);
  }, null, { timeout: 15000 });
}

async function searchFor(page, query) {
  await page.goto(url(config.pages.search));
  await page.waitForFunction(() => document.getElementById("search-notice").hidden, null, { timeout: 15000 });
  await page.fill("#search-q", query);
  await page.press("#search-q", "Enter");
  await waitForResults(page);
  return page.$$eval("#search-results a", (links) => links.map((a) => new URL(a.href).pathname));
}

try {
  // 1. axe on every page type (the search page with results shown), in one context (as at
  //    320 px below: nothing is kept between pages; axe reads a visited link's colours as
  //    unvisited, as getComputedStyle reports them).
  {
    const { context, page } = await newPage();
    for (const [name, path] of Object.entries(config.pages)) {
      await page.goto(url(path));
      if (name === "search") {
        await page.goto(url(`${path}?q=${encodeURIComponent(config.search.word)}`));
        await waitForResults(page);
      }
      out.axe[name] = await axeViolations(page); // in legacy mode: see common.mjs
      await shot(page, `${name}-1280`);
    }
    await context.close();
  }

  // 2. 320 px wide: nothing scrolls sideways. One context for all the pages at a width: the
  //    site keeps nothing between pages (no cookies or storage; its scripts keep their state
  //    in the address), and a visited link may differ only in colour, never in size.
  {
    const { context, page } = await newPage(320, 700);
    for (const [name, path] of Object.entries(config.pages)) {
      await page.goto(url(path));
      await page.evaluate(() => document.fonts.ready);
      out.overflow320[name] = await page.evaluate(() => {
        const doc = document.documentElement;
        return { scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth };
      });
      if (name === "index" || name === "case_study") await shot(page, `${name}-320`);
    }
    await context.close();
  }
  {
    const { context, page } = await newPage(390, 844);
    for (const name of ["index", "case_study"]) {
      await page.goto(url(config.pages[name]));
      await shot(page, `${name}-390`);
    }
    await context.close();
  }

  // 3. Search: a word of the body, then the same word narrowed by a country filter that
  //    excludes it, then a filter with no words; and the header's search form.
  {
    const { context, page } = await newPage();
    out.search.found = await searchFor(page, config.search.word);
    out.search.status = await page.textContent("#search-status");
    await shot(page, "search-results");
    await page.selectOption("#search-country", config.search.other_country);
    await waitForResults(page);
    out.search.other_country = await page.$$eval("#search-results a", (ls) => ls.map((a) => new URL(a.href).pathname));
    await page.fill("#search-q", "");
    await page.selectOption("#search-country", config.search.country);
    await waitForResults(page);
    out.search.country_only = await page.$$eval("#search-results a", (ls) => ls.map((a) => new URL(a.href).pathname));
    out.search.address = new URL(page.url()).search;
    await page.goto(url(config.pages.index));
    await page.fill("#site-search-q", config.search.word);
    await page.press("#site-search-q", "Enter");
    await page.waitForURL(/search\/\?q=/);
    await waitForResults(page);
    out.search.from_header = await page.$$eval("#search-results a", (ls) => ls.map((a) => new URL(a.href).pathname));
    await context.close();
  }

  // 4. Filters on the index narrow the list in place.
  {
    const { context, page } = await newPage();
    await page.goto(url(config.pages.index));
    const visible = () => page.$$eval(".cards__item", (items) =>
      items.filter((i) => !i.hidden && i.offsetParent !== null).map((i) => i.querySelector("a").getAttribute("href")));
    out.filter.form_shown = await page.isVisible("#filters");
    out.filter.before = await visible();
    await page.selectOption(`#filter-${config.filter.kind}`, config.filter.key);
    out.filter.after = await visible();
    out.filter.count_text = await page.textContent("#listing-count");
    out.filter.address = new URL(page.url()).search;
    await shot(page, "index-filtered");
    await page.click("#filters button[type=reset]");
    await page.waitForTimeout(50);
    out.filter.reset = await visible();
    await page.goto(url(`${config.pages.index}?${config.filter.kind}=${config.filter.key}`));
    out.filter.from_address = await visible();
    await context.close();
  }

  // 5. Keyboard: the skip link is the first Tab stop and moves focus to <main>.
  {
    const { context, page } = await newPage();
    for (const name of ["index", "case_study"]) {
      await page.goto(url(config.pages[name]));
      await page.keyboard.press("Tab");
      // The skip link slides in (a 0.15 s transition): wait until it has, for 300 ms at most.
      await page.evaluate(() => Promise.race([
        Promise.all(document.activeElement.getAnimations().map((a) => a.finished.catch(() => {}))),
        new Promise((done) => setTimeout(done, 300)),
      ]));
      const first = await page.evaluate(() => ({
        className: document.activeElement.className,
        href: document.activeElement.getAttribute("href"),
        visible: document.activeElement.getBoundingClientRect().top >= 0,
      }));
      await page.keyboard.press("Enter");
      const after = await page.evaluate(() => document.activeElement.id);
      out.keyboard[name] = { first, after };
    }
    await context.close();
  }

  // 6. Print: the case study prints without the site's controls and without overflow.
  {
    const { context, page } = await newPage(794, 1123);
    await page.goto(url(config.pages.case_study));
    await page.emulateMedia({ media: "print" });
    out.print = await page.evaluate(() => ({
      hidden: [".site-search", ".skip-link", ".facts__pdf", ".site-footer__links"].map((s) => {
        const el = document.querySelector(s);
        return !el || getComputedStyle(el).display === "none";
      }),
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
      bodyText: document.querySelector(".cs-body").innerText.length,
    }));
    await context.close();
  }
} catch (error) {
  out.errors.push(`check.mjs stopped: ${error && error.stack ? error.stack : error}`);
} finally {
  await browser.close();
}
process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
