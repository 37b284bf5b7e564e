// Figures that wrap inside themselves: Debian's Chromium driven by playwright-core.
//
// node tests/browser/figures.mjs CONFIG.json   prints one JSON object: {page: {width: [figure, ...]}}
// CONFIG: {chromium, root (the site's address, ending in /), pages: {name: path}, widths: [px]}
// A figure is a run of text that holds a digit and no breakable space: "CZK 450,000",
// "450 000 Kč", "24 hours", "2 May 2023", "September 2022" (casesite joins a figure's parts
// with no-break spaces; a range of dates may break at its dash). A figure wraps when its
// characters lie on more than one line. The test (tests/test_figures.py) asserts on it.
import { readFileSync } from "node:fs";
import { chromium } from "playwright-core";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const browser = await chromium.launch({
  executablePath: config.chromium,
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
const out = {};
try {
  for (const width of config.widths) {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    for (const [name, path] of Object.entries(config.pages)) {
      await page.goto(new URL(path, config.root).href);
      const wrapped = await page.evaluate(() => {
        const found = [];
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const text = node.data;
          // Breakable: ordinary white space and the thin space around a range's dash.
          const token = /[^ \t\n\r\f\u2009]+/g;
          for (let m = token.exec(text); m; m = token.exec(text)) {
            if (!/\d/.test(m[0])) continue;
            const range = document.createRange();
            range.setStart(node, m.index);
            range.setEnd(node, m.index + m[0].length);
            const tops = new Set(
              [...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.bottom)),
            );
            if (tops.size > 1) found.push(m[0]);
          }
        }
        return found;
      });
      out[name] ??= {};
      out[name][width] = wrapped;
    }
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
