/* Casebook page scripts' shared helpers: the explorer (explore.js, explore-select.js) and the comparison view
 * (compare.js) load this first and take their helpers from window.casebookDom.
 */
(function () {
  "use strict";

  /** A new element: attrs are attributes ("text" sets its text), children nodes or strings (falsy ones skipped). */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) {
      if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  // Both foldings of search.js ("Lægreid": "laegreid"; "Søren": "soren soeren") when it is on the page (the
  // plugin's sites); accents only without it (the portable site). Fold the text searched and the query alike,
  // then look for each word of the query: each of its foldings is in the text's.
  function fold(text) {
    if (window.casebookFold) return window.casebookFold(text) + " " + window.casebookFold(text, true);
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  /** The "DRAFT" badge of a draft's record (drafts are records only in a preview, mkdocs serve); null otherwise. */
  function draftMark(record) {
    return record.draft ? el("span", { "class": "cb-badge", text: "DRAFT" }) : null;
  }

  /** Say in ``mount`` that ``what`` could not be loaded, why when it is known, and where to browse instead. */
  function loadFailed(mount, what) {
    var why = location.protocol === "file:"
      ? " could not be loaded: a browser does not let a page opened from a file read the site's data files. Serve " +
        "the site's folder (for example with “python3 -m http.server” in it) and open the page from there, " +
        "or browse "
      : " could not be loaded; reload the page, or browse ";
    mount.appendChild(el("p", { "class": "cb-load-failed" }, [
      what + why, el("a", { href: new URL("../cases/", location.href).href, text: "the list of cases" }), ".",
    ]));
  }

  /** A promise of the JSON at ``url``, rejected on a network error or an HTTP error status. */
  function fetchJson(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    });
  }

  window.casebookDom = { el: el, fold: fold, draftMark: draftMark, loadFailed: loadFailed, fetchJson: fetchJson };
})();
