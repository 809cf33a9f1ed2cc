// An embed's card loads the provider's player only when the reader presses its button:
// until then the page asks the provider for nothing. Loaded only by a story with an embed;
// one listener for the page, so a live blog's entries that arrive later work too.
(function () {
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".embed-load");
    var card = button && button.closest("[data-embed-frame]");
    if (!card) return;
    var frame = document.createElement("iframe");
    frame.className = "embed-frame";
    frame.src = card.getAttribute("data-embed-frame");
    frame.title = card.getAttribute("data-embed-title") || "Embedded content";
    frame.setAttribute("allow", "fullscreen; encrypted-media; picture-in-picture");
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    frame.setAttribute("sandbox", "allow-scripts allow-same-origin allow-popups allow-presentation");
    var image = card.querySelector("img");
    if (image) image.replaceWith(frame);
    else card.insertBefore(frame, card.firstChild);
    button.parentNode.remove(); // the consent line goes with the button
    frame.focus();
  });
})();
