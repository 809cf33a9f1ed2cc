// Story blocks in the body editor, each stored in the one shape the server's sanitiser keeps:
// <aside data-block="pullquote|factbox">, <figure data-block="related" data-article="id">,
// <figure data-block="embed" data-embed="id"><a href="url">url</a></figure>, and tables.
import {
  Node, Table, TableCell, TableHeader, TableRow, TrailingNode,
} from "../django_prose_editor/editor.js";

function aside(name, kind, content) {
  return Node.create({
    name,
    group: "block",
    content,
    defining: true,
    parseHTML: () => [{ tag: `aside[data-block="${kind}"]` }],
    renderHTML: () => ["aside", { "data-block": kind, class: `block-${kind}` }, 0],
  });
}

export const PullQuote = aside("pullQuote", "pullquote", "paragraph+");
export const FactBox = aside("factBox", "factbox", "(paragraph | heading | bulletList | orderedList)+");

function figure(name, kind, idAttribute, draw) {
  return Node.create({
    name,
    group: "block",
    atom: true,
    draggable: true,
    addAttributes: () => ({
      id: {
        default: null,
        parseHTML: (element) => element.getAttribute(idAttribute),
        renderHTML: (attributes) => ({ [idAttribute]: attributes.id }),
      },
      label: { default: "", parseHTML: (element) => element.textContent.trim(), rendered: false },
    }),
    parseHTML: () => [{ tag: `figure[data-block="${kind}"]` }],
    renderHTML: ({ node, HTMLAttributes }) => [
      "figure",
      { "data-block": kind, ...HTMLAttributes, class: `block-${kind}` },
      draw(node.attrs),
    ],
  });
}

export const RelatedStory = figure("relatedStory", "related", "data-article", (attrs) => attrs.label);
export const EmbedBlock = figure("embedBlock", "embed", "data-embed", (attrs) => [
  "a", { href: attrs.label }, attrs.label,
]);

export const blockExtensions = [
  PullQuote, FactBox, RelatedStory, EmbedBlock,
  Table.configure({ resizable: false }), TableRow, TableHeader, TableCell,
  TrailingNode, // a paragraph to go on typing in after a table or an embed at the end
];

const text = (value) => [{ type: "text", text: value }];
const cells = (type, count) => Array.from({ length: count }, () => ({ type, content: [{ type: "paragraph" }] }));
// What each button inserts, and where in it the cursor lands (from the block's start):
// a placeholder selected, so typing replaces it.
const TEMPLATES = {
  pullQuote: () => [{ type: "pullQuote", content: [{ type: "paragraph", content: text("Quote") }] }, 2, 7],
  factBox: () => [
    { type: "factBox", content: [{ type: "heading", attrs: { level: 2 }, content: text("Fact box") }, { type: "paragraph" }] },
    2, 10,
  ],
  table: () => [
    { type: "table", content: [
      { type: "tableRow", content: cells("tableHeader", 2) },
      { type: "tableRow", content: cells("tableCell", 2) },
      { type: "tableRow", content: cells("tableCell", 2) },
    ] },
    4, 4,
  ],
};

// Blocks go between the body's top-level blocks: after the one the cursor is in.
// A story or embed inserted stays selected, so the next one goes after it.
function insertBlock(editor, content, select) {
  const { selection } = editor.state;
  const at = selection.$from.depth ? selection.$from.after(1) : selection.to;
  const chain = editor.chain().focus().insertContentAt(at, content);
  if (select) chain.setTextSelection({ from: at + select[0], to: at + select[1] });
  else chain.setNodeSelection(at);
  chain.run();
}

function csrfToken() {
  const input = document.querySelector("[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

async function resolveEmbed(url, address) {
  const body = new URLSearchParams({ url: address });
  const response = await fetch(url, {
    method: "POST", body, headers: { "X-CSRFToken": csrfToken() }, credentials: "same-origin",
  });
  const answer = await response.json().catch(() => ({ error: "The server did not answer." }));
  if (!response.ok) throw new Error(answer.error || "The address could not be embedded.");
  return answer;
}

function storyButton(story, onChoose) {
  const item = document.createElement("li");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "button";
  button.textContent = story.headline;
  button.setAttribute("aria-label", `Insert related story ${story.headline}`);
  button.addEventListener("click", () => onChoose(story));
  item.append(button);
  return item;
}

// The tools under the editor: buttons for each block, a related-story search and an embed URL.
export function setUpBlockTools(field, editor) {
  const tools = field.querySelector(".body-block-tools");
  if (!tools) return;
  const status = tools.querySelector(".body-block-status");
  for (const button of tools.querySelectorAll("[data-insert-block]")) {
    button.addEventListener("click", () => {
      const [content, from, to] = TEMPLATES[button.dataset.insertBlock]();
      insertBlock(editor, content, [from, to]);
    });
  }

  const search = tools.querySelector(".body-related-search");
  const results = tools.querySelector(".body-related-results");
  const findStories = async () => {
    const query = search.querySelector("input").value;
    const response = await fetch(`${search.dataset.url}?q=${encodeURIComponent(query)}`, { credentials: "same-origin" });
    const answer = response.ok ? await response.json() : { results: [] };
    results.replaceChildren(...answer.results.map((story) => storyButton(story, (chosen) => {
      insertBlock(editor, { type: "relatedStory", attrs: { id: String(chosen.id), label: chosen.headline } });
      results.replaceChildren();
      status.textContent = `Related story “${chosen.headline}” inserted.`;
    })));
    status.textContent = answer.results.length ? "" : "No published story has those words in its headline.";
  };

  const embed = tools.querySelector(".body-embed");
  const addEmbed = async () => {
    const input = embed.querySelector("input");
    status.textContent = "Looking up the address…";
    try {
      const found = await resolveEmbed(embed.dataset.url, input.value);
      insertBlock(editor, { type: "embedBlock", attrs: { id: String(found.id), label: found.url } });
      input.value = "";
      status.textContent = found.error
        ? `${found.provider} did not answer (${found.error}): readers see a link until it resolves. Add it again later, or use “Resolve again” under Embeds.`
        : `Embed from ${found.provider} inserted${found.title ? `: “${found.title}”` : ""}.`;
    } catch (error) {
      status.textContent = error.message;
    }
  };

  // The tools sit inside the article's form: Enter runs the tool instead of saving the story.
  for (const [holder, action] of [[search, findStories], [embed, addEmbed]]) {
    holder.querySelector("button").addEventListener("click", action);
    holder.querySelector("input").addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      action();
    });
  }
}
