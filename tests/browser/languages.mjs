// A site in several languages in a real browser: the language switcher, axe on pages in
// Czech, Slovak and Hungarian, and each language's search page searching its own pages.
//
// node tests/browser/languages.mjs CONFIG.json   prints one JSON object with every finding.
// CONFIG: {chromium, root (the site's address, ending in /), story: {en, hu} (paths),
//          axe: {name: path}, search: {hu: path, en: path, word}}
// tests/test_languages_browser.py builds and serves the sample, runs this once and asserts.
import { axeViolations, config, launch, newPage as openPage } from "./common.mjs";

const url = (path) => new URL(path, config.root).href;
const browser = await launch();
const out = { switcher: [], axe: {}, search: {}, errors: [] };
const newPage = () => openPage(browser, out.errors);

async function where(page) {
  return { path: new URL(page.url()).pathname, lang: await page.getAttribute("html", "lang") };
}

async function search(page, path, word) {
  await page.goto(url(`${path}?q=${encodeURIComponent(word)}`));
  await page.waitForFunction(() => {
    const status = document.getElementById("search-status");
    return status && status.textContent && !/…|\.\.\./.test(status.textContent);
  }, null, { timeout: 15000 });
  return page.$$eval("#search-results a", (links) => links.map((a) => new URL(a.href).pathname));
}

try {
  // 1. The switcher: from the Hungarian version to the English one and back, by clicking.
  {
    const { context, page } = await newPage();
    await page.goto(url(config.story.hu));
    out.switcher.push(await where(page));
    await page.click('.lang-switch a[hreflang="en-GB"]');
    await page.waitForLoadState();
    out.switcher.push(await where(page));
    await page.click('.lang-switch a[hreflang="hu"]');
    await page.waitForLoadState();
    out.switcher.push(await where(page));
    await context.close();
  }
  // 2. axe on pages in each language, in one context (nothing is kept between pages; see
  //    check.mjs).
  {
    const { context, page } = await newPage();
    for (const [name, path] of Object.entries(config.axe)) {
      await page.goto(url(path));
      out.axe[name] = await axeViolations(page); // in legacy mode: see common.mjs
    }
    await context.close();
  }
  // 3. Search: a Hungarian word in the Hungarian and in the English search page.
  {
    const { context, page } = await newPage();
    out.search.hu = await search(page, config.search.hu, config.search.word);
    out.search.en = await search(page, config.search.en, config.search.word);
    out.search.en_own = await search(page, config.search.en, config.search.en_word);
    await context.close();
  }
} catch (error) {
  out.errors.push(`languages.mjs stopped: ${error && error.stack ? error.stack : error}`);
} finally {
  await browser.close();
}
process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
