// Break opportunities inside long identifiers, so that narrow columns wrap
// them between their parts ("adam_<wbr>update", "output_<wbr>activation=<wbr>"),
// never inside a number,
// never in mid-word: the "On this page" menu and the summary tables.
document.addEventListener("DOMContentLoaded", () => {
  const selector = ".bd-sidebar-secondary .nav-link, table.skmlp-summary code";
  for (const root of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const texts = [];
    while (walker.nextNode()) texts.push(walker.currentNode);
    for (const text of texts) {
      const parts = text.data.split(/(?<=[_=,])|(?<=\.)(?!\d)/);  // not inside "0.001"
      if (parts.length < 2) continue;
      const fragment = document.createDocumentFragment();
      parts.forEach((part, i) => {
        if (i > 0) fragment.appendChild(document.createElement("wbr"));
        fragment.appendChild(document.createTextNode(part));
      });
      text.replaceWith(fragment);
    }
  }
});
