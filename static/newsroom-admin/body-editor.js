// The article body editor: django-prose-editor's Tiptap build, loaded from this site,
// configured for what the body may hold (the server's sanitiser has the last word).
// No import map and no injected <style>: the admin's policy allows neither.
import {
  Blockquote, Bold, BulletList, Document, Dropcursor, Editor, Gapcursor, HardBreak, Heading,
  History, Italic, Link, ListItem, Menu, Node, OrderedList, Paragraph, Text,
} from "../django_prose_editor/editor.js";
import { blockExtensions, setUpBlockTools } from "./blocks.js";
import { cleanPastedHTML, refusal } from "./paste.js";
import { chooserForHero, openPhotoChooser } from "./photo-chooser.js";

// A photo from the library, stored as <figure data-photo="id">label</figure>; the reader
// page renders it with the photo's caption and credit.
const InlinePhoto = Node.create({
  name: "inlinePhoto",
  group: "block",
  atom: true,
  draggable: true,
  addAttributes() {
    return {
      photo: {
        default: null,
        parseHTML: (element) => element.getAttribute("data-photo"),
        renderHTML: (attributes) => ({ "data-photo": attributes.photo }),
      },
      label: { default: "", parseHTML: (element) => element.textContent.trim(), rendered: false },
    };
  },
  parseHTML() {
    return [{ tag: "figure[data-photo]" }];
  },
  renderHTML({ node, HTMLAttributes }) {
    return ["figure", { ...HTMLAttributes, class: "inline-photo" }, node.attrs.label || `Photo ${node.attrs.photo}`];
  },
});

// As the server counts (articles.sanitize.html_to_text): a pull quote repeats the story's
// words, and photos, related stories and embeds are not its words.
const NOT_COUNTED = new Set(["pullQuote", "inlinePhoto", "relatedStory", "embedBlock"]);

function countWords(editor) {
  const parts = [];
  editor.state.doc.descendants((node) => {
    if (NOT_COUNTED.has(node.type.name)) return false;
    if (node.isTextblock) {
      parts.push(node.textContent);
      return false;
    }
    return true;
  });
  const words = parts.join(" ").split(/\s+/).filter(Boolean).length;
  return `${words} word${words === 1 ? "" : "s"}`;
}

function setUp(textarea) {
  const field = textarea.closest(".body-editor");
  const holder = document.createElement("div");
  holder.className = "prose-editor";
  textarea.before(holder);
  holder.append(textarea);
  const count = field.querySelector(".body-word-count");
  const notice = field.querySelector(".body-paste-notice");
  // A paste too big to clean without freezing the tab is refused before anything reads it.
  holder.addEventListener(
    "paste",
    (event) => {
      const data = event.clipboardData;
      const size = data ? Math.max(data.getData("text/html").length, data.getData("text/plain").length) : 0;
      const refused = refusal(size);
      notice.textContent = refused;
      if (refused) {
        event.preventDefault();
        event.stopPropagation();
      }
    },
    true,
  );
  const editor = new Editor({
    element: holder,
    injectCSS: false,
    content: textarea.value,
    extensions: [
      Document, Paragraph, Text, HardBreak, Bold, Italic, Blockquote, BulletList, OrderedList,
      ListItem, Heading.configure({ levels: [2, 3, 4] }),
      Link.configure({ openOnClick: false, protocols: ["http", "https", "mailto"] }),
      History, Dropcursor, Gapcursor, InlinePhoto, ...blockExtensions, Menu,
    ],
    editorProps: {
      attributes: { role: "textbox", "aria-multiline": "true", "aria-label": "Body" },
      transformPastedHTML(html, view) {
        const cleaned = cleanPastedHTML(html, { tables: Boolean(view.state.schema.nodes.table) });
        notice.textContent = cleaned.notice;
        return cleaned.html;
      },
    },
    onUpdate({ editor }) {
      const html = editor.getHTML();
      textarea.value = html === "<p></p>" ? "" : html;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
      count.textContent = countWords(editor);
    },
  });
  count.textContent = countWords(editor);
  const chooser = field.querySelector("[data-photo-chooser-url]");
  chooser.addEventListener("click", () =>
    openPhotoChooser(chooser.dataset.photoChooserUrl, ({ id, label }) => {
      editor.chain().focus().insertContent({ type: "inlinePhoto", attrs: { photo: String(id), label } }).run();
    }),
  );
  chooserForHero(chooser.dataset.photoChooserUrl);
  setUpBlockTools(field, editor);
  textarea.dataset.editorReady = "true";
}

for (const textarea of document.querySelectorAll("textarea[data-body-editor]")) setUp(textarea);
