// Pasting into the article body from Google Docs, Word and web pages: the clipboard's HTML
// is rebuilt from a short list of tags (paragraphs, headings, lists, links, bold, italic,
// quotes, tables where the editor has them) and everything else is named in a notice.
//
// - Style attributes are renamed before anything parses them (a parsed style attribute is an
//   inline style, which the admin's policy refuses, loudly) and read from the new name:
//   Google Docs marks bold as <span style="font-weight:700"> and italic as
//   font-style:italic, inside <b id="docs-internal-guid-…" style="font-weight:normal">.
// - Word's list paragraphs (<p style="mso-list:l0 level1 lfo1"> with the bullet or number
//   in a <span style="mso-list:Ignore">) become real, nested lists.
// - Docs' <br>s between paragraphs, and paragraphs with nothing in them, go.
// - Embeds (iframes, posts from X, Instagram or Telegram), images and forms are dropped and
//   counted; a table becomes one line per row when the editor has no tables.

export const MAX_PASTE_CHARACTERS = 2_000_000;

const TAG = /<[a-zA-Z][^>]*>/g;
const STYLE_IN_TAG = /(\s)style(\s*=)/gi;
const STYLE_ELEMENT = /<style[\s\S]*?<\/style\s*>/gi;
const SKIPPED = new Set([
  "head", "meta", "title", "link", "style", "script", "noscript", "template", "svg", "math",
  "canvas", "form", "input", "button", "select", "textarea", "option", "label", "nav", "map",
  "area", "colgroup", "col", "xml", "o:smarttagtype",
]);
const EMBEDS = new Set(["iframe", "embed", "object", "video", "audio"]);
const SOCIAL_POSTS = ["twitter-tweet", "twitter-video", "instagram-media", "tiktok-embed"];
const HEADINGS = { h1: "h2", h2: "h2", h3: "h3", h4: "h4", h5: "h4", h6: "h4" };
const SIMPLE = {
  p: "p", blockquote: "blockquote", pre: "pre", ul: "ul", ol: "ol", li: "li", hr: "hr",
  br: "br", strong: "strong", em: "em", i: "em", cite: "em", code: "code",
};
const LINK_SCHEMES = ["http:", "https:", "mailto:"];
const BLOCKS = new Set(["p", "h2", "h3", "h4", "pre", "li"]);

export function megabytes(characters) {
  return `${(characters / 1_000_000).toFixed(1)} MB`;
}

/** Whether a paste of this many characters is refused, and the message that says so. */
export function refusal(characters) {
  if (characters <= MAX_PASTE_CHARACTERS) return "";
  return (
    `Not pasted: the copied text is ${megabytes(characters)}, and the body takes at most ` +
    `${megabytes(MAX_PASTE_CHARACTERS)} at a time. Paste the document in parts, or without ` +
    "its images."
  );
}

function declarations(element) {
  const style = element.getAttribute("data-paste-style") || "";
  const found = {};
  for (const part of style.split(";")) {
    const colon = part.indexOf(":");
    if (colon > 0) {
      found[part.slice(0, colon).trim().toLowerCase()] = part.slice(colon + 1).trim().toLowerCase();
    }
  }
  return found;
}

function isBold(weight) {
  return weight === "bold" || weight === "bolder" || Number(weight) >= 600;
}

function isNormalWeight(weight) {
  return weight === "normal" || weight === "lighter" || (weight !== "" && Number(weight) < 600);
}

function linkTarget(href) {
  if (!href) return null;
  let url;
  try {
    url = new URL(href.trim());
  } catch {
    return null; // relative links and Word's "#_ftn1" anchors lead nowhere from our pages
  }
  // Google Docs sometimes hands out its redirector instead of the link.
  if (url.hostname === "www.google.com" && url.pathname === "/url" && url.searchParams.get("q")) {
    return linkTarget(url.searchParams.get("q"));
  }
  return LINK_SCHEMES.includes(url.protocol) ? url.href : null;
}

// Word: <p style="mso-list:l0 level2 lfo1"><span style="mso-list:Ignore">o&nbsp;</span>Text</p>
function wordListItem(element) {
  if (element.tagName.toLowerCase() !== "p") return null;
  const list = declarations(element)["mso-list"];
  if (!list || list === "ignore") return null;
  const level = Number((/level(\d+)/.exec(list) || [0, 1])[1]);
  const id = (/\b(l\d+)/.exec(list) || [0, "l0"])[1];
  const marker = [...element.querySelectorAll("[data-paste-style]")]
    .filter((span) => declarations(span)["mso-list"] === "ignore")
    .map((span) => span.textContent)
    .join("")
    .trim();
  return { level, id, ordered: /^\(?([0-9]+|[a-z]|[ivxlcdm]+)[.)]/i.test(marker) };
}

function rebuildWordLists(doc) {
  for (const paragraph of doc.querySelectorAll("p[data-paste-style]")) {
    if (!paragraph.isConnected || !wordListItem(paragraph)) continue;
    // The run of list paragraphs that starts here (whitespace and comments between them).
    const run = [];
    for (let node = paragraph; node; node = node.nextSibling) {
      if (node.nodeType === Node.ELEMENT_NODE && wordListItem(node)) run.push(node);
      else if (node.nodeType === Node.ELEMENT_NODE) break;
      else if (node.nodeType === Node.TEXT_NODE && node.textContent.trim()) break;
    }
    const root = { level: 0, children: [], element: null };
    const stack = [root];
    let rootList = null;
    let rootId = null;
    for (const item of run) {
      const info = wordListItem(item);
      for (const ignored of item.querySelectorAll("[data-paste-style]")) {
        if (declarations(ignored)["mso-list"] === "ignore") ignored.remove();
      }
      while (stack.length > 1 && stack[stack.length - 1].level >= info.level) stack.pop();
      const parent = stack[stack.length - 1];
      let list;
      if (parent === root) {
        if (!rootList || rootId !== info.id) {
          rootList = doc.createElement(info.ordered ? "ol" : "ul");
          rootId = info.id;
          item.before(rootList);
        }
        list = rootList;
      } else {
        list = parent.sublist;
        if (!list) {
          list = parent.sublist = doc.createElement(info.ordered ? "ol" : "ul");
          parent.element.append(list);
        }
      }
      const li = doc.createElement("li");
      li.append(...item.childNodes);
      list.append(li);
      item.remove();
      stack.push({ level: info.level, element: li, sublist: null });
    }
  }
}

/** Clean a clipboard's HTML; returns {html, notice}. */
export function cleanPastedHTML(html, { tables = false } = {}) {
  if (/data-pm-slice=/.test(html)) return { html, notice: "" }; // copied from this editor
  const renamed = html
    .replace(STYLE_ELEMENT, "")
    .replace(TAG, (tag) => tag.replace(STYLE_IN_TAG, "$1data-paste-style$2"));
  const doc = new DOMParser().parseFromString(renamed, "text/html");
  rebuildWordLists(doc);
  const dropped = { embeds: [], images: 0, tables: 0, other: 0 };
  const out = doc.createElement("div");
  for (const node of [...doc.body.childNodes]) emit(node, out, doc, { tables, dropped, heading: false });
  tidy(out, doc);
  return { html: out.innerHTML, notice: describe(dropped) };
}

function embedUrl(element) {
  const tag = element.tagName.toLowerCase();
  const telegram = element.getAttribute("data-telegram-post");
  const source =
    (telegram && `https://t.me/${telegram}`) ||
    element.getAttribute("src") ||
    element.getAttribute("data") ||
    element.querySelector("source[src]")?.getAttribute("src") ||
    element.getAttribute("data-instgrm-permalink");
  if (source) return linkTarget(source);
  if (tag === "blockquote") {
    const links = [...element.querySelectorAll("a[href]")].map((a) => linkTarget(a.getAttribute("href")));
    return links.filter(Boolean).pop() || null;
  }
  return null;
}

function emit(node, out, doc, context) {
  if (node.nodeType === Node.TEXT_NODE) {
    out.append(doc.createTextNode(node.textContent));
    return;
  }
  if (node.nodeType !== Node.ELEMENT_NODE) return; // comments, Word's <![if …]>
  const tag = node.tagName.toLowerCase();
  const { dropped } = context;
  const className = (node.getAttribute("class") || "").toLowerCase();

  if (tag === "script" && node.hasAttribute("data-telegram-post")) {
    dropped.embeds.push(embedUrl(node));
    return;
  }
  if (SKIPPED.has(tag)) {
    if (["form", "svg", "canvas"].includes(tag) || (["input", "button", "select", "textarea"].includes(tag) && !node.closest("form"))) {
      dropped.other += 1;
    }
    return;
  }
  if (EMBEDS.has(tag) || (tag === "blockquote" && SOCIAL_POSTS.some((c) => className.includes(c)))) {
    dropped.embeds.push(embedUrl(node));
    return;
  }
  // An image goes, and with it the caption of the figure it was in.
  if (tag === "img" || tag === "picture" || (tag === "figure" && node.querySelector("img, picture"))) {
    dropped.images += 1;
    return;
  }
  if (tag === "figure" && node.hasAttribute("data-photo")) {
    const figure = doc.createElement("figure");
    figure.setAttribute("data-photo", node.getAttribute("data-photo"));
    figure.textContent = node.textContent;
    out.append(figure);
    return;
  }
  if (tag === "table") {
    emitTable(node, out, doc, context);
    return;
  }

  const style = declarations(node);
  let target;
  let inner;
  if (HEADINGS[tag]) {
    target = inner = doc.createElement(HEADINGS[tag]);
    context = { ...context, heading: true };
  } else if (tag === "a") {
    const href = linkTarget(node.getAttribute("href"));
    if (href) {
      target = inner = doc.createElement("a");
      target.setAttribute("href", href);
    }
  } else if (tag === "b") {
    // Docs' wrapper around a whole copy is a <b> that says it is not bold.
    const wrapper = (node.getAttribute("id") || "").startsWith("docs-internal-guid");
    if (!wrapper && !isNormalWeight(style["font-weight"] || "")) {
      target = inner = doc.createElement("strong");
    }
  } else if (SIMPLE[tag]) {
    target = inner = doc.createElement(SIMPLE[tag]);
  }
  // Marks carried by style (Docs' spans, and any other element).
  const marks = [];
  if (!context.heading && tag !== "b" && tag !== "strong" && isBold(style["font-weight"] || "")) {
    marks.push("strong");
  }
  if (tag !== "i" && tag !== "em" && style["font-style"] === "italic") marks.push("em");
  if (target && (tag === "br" || tag === "hr")) {
    out.append(target);
    return;
  }
  if (!target) target = inner = doc.createDocumentFragment();
  for (const mark of marks) {
    const wrapper = doc.createElement(mark);
    inner.append(wrapper);
    inner = wrapper;
  }
  for (const child of [...node.childNodes]) emit(child, inner, doc, context);
  out.append(target);
}

function emitTable(table, out, doc, context) {
  const rows = [...table.querySelectorAll("tr")].filter((row) => row.closest("table") === table);
  if (context.tables) {
    const clean = doc.createElement("table");
    const body = doc.createElement("tbody");
    for (const row of rows) {
      const tr = doc.createElement("tr");
      for (const cell of row.children) {
        const td = doc.createElement(cell.tagName.toLowerCase() === "th" ? "th" : "td");
        for (const child of [...cell.childNodes]) emit(child, td, doc, context);
        tr.append(td);
      }
      body.append(tr);
    }
    clean.append(body);
    out.append(clean);
    return;
  }
  context.dropped.tables += 1;
  for (const row of rows) {
    const cells = [...row.children].map((cell) => cell.textContent.replace(/\s+/g, " ").trim());
    if (!cells.some(Boolean)) continue;
    const paragraph = doc.createElement("p");
    paragraph.textContent = cells.join(" | ");
    out.append(paragraph);
  }
}

function isBlank(element) {
  return !element.querySelector("figure, hr") && !element.textContent.replace(/[\s\u00a0\u200b]/g, "");
}

function tidy(root, doc) {
  // A list directly inside a list (Docs' nesting) belongs to the item before it.
  for (const list of root.querySelectorAll("ul > ul, ul > ol, ol > ul, ol > ol")) {
    const previous = list.previousElementSibling;
    if (previous && previous.tagName.toLowerCase() === "li") previous.append(list);
    else {
      const li = doc.createElement("li");
      list.replaceWith(li);
      li.append(list);
    }
  }
  // <br>s between blocks (Docs puts one where the document had an empty line).
  for (const br of root.querySelectorAll("br")) {
    const parent = br.parentElement;
    const inBlock = br.closest("p, h2, h3, h4, pre, li, td, th");
    if (!inBlock || (parent === inBlock && inBlock.tagName.toLowerCase() === "li" && inBlock.querySelector("p"))) {
      br.remove();
    }
  }
  // Two <br>s in a row inside a paragraph end it; a <br> at a block's start or end goes.
  for (const paragraph of [...root.querySelectorAll("p")]) splitAtDoubleBreaks(paragraph, doc);
  for (const block of root.querySelectorAll("p, h2, h3, h4, li, td, th")) trimBreaks(block);
  // Blocks with nothing in them, then lists and quotes left with nothing.
  for (const block of [...root.querySelectorAll("p, h2, h3, h4, pre")]) {
    if (isBlank(block)) block.remove();
  }
  for (const item of [...root.querySelectorAll("li")].reverse()) {
    if (isBlank(item)) item.remove();
  }
  for (const container of [...root.querySelectorAll("ul, ol, blockquote")].reverse()) {
    if (!container.children.length && isBlank(container)) container.remove();
  }
  // Text runs and marks with nothing in them.
  for (const mark of [...root.querySelectorAll("strong, em, a")].reverse()) {
    if (!mark.textContent && !mark.querySelector("br")) mark.remove();
  }
}

function splitAtDoubleBreaks(paragraph, doc) {
  const nodes = [...paragraph.childNodes];
  const isBreak = (node) => node && node.nodeType === Node.ELEMENT_NODE && node.tagName.toLowerCase() === "br";
  const isSpace = (node) => node && node.nodeType === Node.TEXT_NODE && !node.textContent.trim();
  const parts = [[]];
  for (let index = 0; index < nodes.length; index += 1) {
    const node = nodes[index];
    if (isBreak(node)) {
      let next = index + 1;
      while (isSpace(nodes[next])) next += 1;
      if (isBreak(nodes[next])) {
        while (isBreak(nodes[next]) || isSpace(nodes[next])) next += 1;
        parts.push([]);
        index = next - 1;
        continue;
      }
    }
    parts[parts.length - 1].push(node);
  }
  if (parts.length === 1) return;
  for (const part of parts) {
    const copy = doc.createElement("p");
    copy.append(...part);
    paragraph.before(copy);
  }
  paragraph.remove();
}

function trimBreaks(block) {
  const edge = (pick) => {
    for (;;) {
      const node = pick();
      if (!node) return;
      if (node.nodeType === Node.TEXT_NODE && !node.textContent.trim()) return;
      if (node.nodeType === Node.ELEMENT_NODE && node.tagName.toLowerCase() === "br") node.remove();
      else return;
    }
  };
  edge(() => block.lastChild);
  edge(() => block.firstChild);
}

function plural(count, one, many) {
  return `${count} ${count === 1 ? one : many}`;
}

function describe(dropped) {
  const parts = [];
  if (dropped.embeds.length) {
    const urls = dropped.embeds.filter(Boolean);
    parts.push(
      `${plural(dropped.embeds.length, "embed", "embeds")} removed: paste ` +
        `${dropped.embeds.length === 1 ? "its URL" : "their URLs"} as ` +
        `${dropped.embeds.length === 1 ? "an embed" : "embeds"}` +
        (urls.length ? ` (${urls.join(", ")})` : "") +
        ".",
    );
  }
  if (dropped.images) {
    parts.push(
      `${plural(dropped.images, "image", "images")} removed: add photos from the library.`,
    );
  }
  if (dropped.tables) {
    parts.push(
      `${plural(dropped.tables, "table", "tables")} turned into text, one line per row: ` +
        "the body keeps no tables.",
    );
  }
  if (dropped.other) {
    parts.push(`${plural(dropped.other, "form or drawing", "forms or drawings")} removed.`);
  }
  return parts.join(" ");
}
