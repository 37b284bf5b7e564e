/* casesite: the search page. Runs Pagefind's index (built into pagefind/ at build time;
   a large site's in parts, merged here) in the browser; it makes no request to any other
   site. The filters narrow the results by the facet keys of each case study
   (#search-data); with filters and no words, the page lists every case study that
   matches them. The query and the filters are kept in the address (?q=police&country=hu),
   so a search can be shared. Result text is inserted as text; only Pagefind's <mark>
   highlights are rebuilt as elements. */
const form = document.getElementById("search");
const input = document.getElementById("search-q");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const notice = document.getElementById("search-notice");
const selects = Array.from(form.querySelectorAll("select"));
const lang = form.dataset.lang || document.documentElement.lang || "en";
const messages = JSON.parse(form.dataset.messages || "{}");
const plural = new Intl.PluralRules(lang);
const rootPath = new URL(form.dataset.root || "./", document.baseURI).pathname;
const bundle = new URL(form.dataset.bundle || "pagefind/", document.baseURI).href;
const entries = JSON.parse(document.getElementById("search-data").textContent || "[]");
const byPath = new Map(
  entries.map((e) => [new URL(e.url, new URL(rootPath, location.href)).pathname, e]),
);

let pagefind = null;
let latest = 0;

function say(text) {
  status.textContent = text;
}

function foundText(n) {
  const forms = messages.found || {};
  const template = forms[plural.select(n)] || forms.other || "{n}";
  return template.replace("{n}", n.toLocaleString(lang));
}

/* Pagefind's excerpt: text with <mark> around the matched words. Parse it without running
   anything, then copy text nodes as text and marks as new <mark> elements. */
function excerptNodes(html) {
  const doc = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html");
  const out = document.createElement("p");
  out.className = "result__excerpt";
  out.append("… ");
  for (const node of doc.body.firstChild.childNodes) {
    if (node.nodeType === Node.ELEMENT_NODE && node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      out.append(mark);
    } else {
      out.append(document.createTextNode(node.textContent));
    }
  }
  out.append(" …");
  return out;
}

function resultItem(url, title, summary, excerpt) {
  const item = document.createElement("li");
  item.className = "result";
  const heading = document.createElement("h2");
  heading.className = "result__title";
  const link = document.createElement("a");
  link.href = url;
  link.textContent = title || url;
  heading.append(link);
  item.append(heading);
  if (summary) {
    const p = document.createElement("p");
    p.className = "result__summary";
    p.textContent = summary;
    item.append(p);
  }
  if (excerpt) item.append(excerptNodes(excerpt));
  return item;
}

function matches(entry, filters) {
  return Boolean(entry) && Object.entries(filters).every(
    ([kind, key]) => (entry.facets[kind] || []).includes(key),
  );
}

function chosenFilters() {
  const filters = {};
  for (const select of selects) {
    if (select.value) filters[select.name] = select.value;
  }
  return filters;
}

function remember(query, filters) {
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  for (const [kind, value] of Object.entries(filters)) params.set(kind, value);
  const text = params.toString();
  history.replaceState(null, "", location.pathname + (text ? `?${text}` : ""));
}

async function run() {
  const query = input.value.trim();
  const filters = chosenFilters();
  remember(query, filters);
  const ticket = ++latest;
  if (!query && Object.keys(filters).length === 0) {
    list.replaceChildren();
    say(messages.prompt || "");
    return;
  }
  say(messages.loading || "");
  let items;
  if (!query) {
    items = entries
      .filter((e) => matches(e, filters))
      .map((e) => resultItem(rootPath + e.url, e.title, e.summary, ""));
  } else {
    let found;
    try {
      const search = await pagefind.search(query);
      if (ticket !== latest || !search) return; // a newer search has started
      found = await Promise.all(search.results.map((r) => r.data()));
    } catch (problem) {
      if (ticket === latest) say(messages.error || "");
      return;
    }
    if (ticket !== latest) return;
    items = found
      .map((data) => [data, byPath.get(new URL(data.url, location.href).pathname)])
      .filter(([, entry]) => matches(entry, filters))
      .map(([data, entry]) => resultItem(data.url, entry.title, entry.summary, data.excerpt));
  }
  list.replaceChildren(...items);
  say(items.length ? foundText(items.length) : messages.none || "");
}

function fillFromAddress() {
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  for (const select of selects) {
    const wanted = params.get(select.name);
    if (wanted && Array.from(select.options).some((o) => o.value === wanted)) {
      select.value = wanted;
    }
  }
}

let timer = 0;
function soon() {
  clearTimeout(timer);
  timer = setTimeout(run, 200);
}

async function start() {
  fillFromAddress();
  try {
    pagefind = await import(`${bundle}pagefind.js`);
    await pagefind.options({ baseUrl: rootPath });
    await pagefind.init();
    // A large site's index is built in parts (casesite-parts.json lists the others).
    const reply = await fetch(`${bundle}casesite-parts.json`);
    const parts = reply.ok ? await reply.json() : [];
    for (const part of parts) {
      await pagefind.mergeIndex(new URL(part, bundle).href, { baseUrl: rootPath });
    }
  } catch (problem) {
    say(messages.error || "");
    return;
  }
  notice.hidden = true;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    run();
  });
  input.addEventListener("input", soon);
  form.addEventListener("change", (event) => {
    if (event.target !== input) run();
  });
  await run();
}

start();
