/* Casebook site search: the header box, backed by Pagefind's chunked index.
 *
 * Nothing is fetched until the reader focuses the box; then Pagefind loads its entry file and, per
 * query, only the index chunks and result fragments that query needs. Results are built with DOM
 * calls; Pagefind's excerpt is reduced to text and <mark> elements. No third-party requests.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  // This file is served from <root>/assets/casebook/search.js.
  var root = new URL("../../", script ? script.src : location.href);
  var loading = null;

  function pagefind() {
    if (!loading) {
      loading = import(new URL("pagefind/pagefind.js", root).href).then(function (pf) {
        return pf.options({ baseUrl: root.pathname }).then(function () { pf.init(); return pf; });
      });
      loading.catch(function () { loading = null; });
    }
    return loading;
  }
  window.casebookPagefind = pagefind;

  // --- Folded spellings, as casebook/site/searchmarkup.py folds them ---
  // Each indexed page carries the folded forms of its own words that Pagefind would not match by itself
  // ("laegreid" for "Lægreid"), in a hidden element ending in ALIASES_END; they never show in an excerpt.
  var LETTERS = { "æ": "ae", "ø": "o", "ß": "ss", "œ": "oe", "ð": "d", "þ": "th", "ł": "l", "đ": "d", "ħ": "h",
    "ı": "i", "ŀ": "l", "ĳ": "ij" };
  var SPELLED = { "ä": "ae", "ö": "oe", "ü": "ue", "å": "aa", "ø": "oe" };
  var ALIASES_END = "\u2063";

  function fold(text, spelled) {
    var t = text.normalize("NFC").toLowerCase();
    if (spelled) t = t.replace(/[äöüåø]/g, function (c) { return SPELLED[c]; });
    t = t.replace(/[æøßœðþłđħıŀĳ]/g, function (c) { return LETTERS[c]; });
    return t.normalize("NFD").replace(/\p{M}/gu, "");
  }
  window.casebookFold = fold;

  // Copy Pagefind's excerpt keeping only text and <mark>: nothing else from the index reaches the DOM.
  function excerpt(html) {
    var out = document.createElement("p");
    out.className = "cb-search__excerpt";
    var doc = new DOMParser().parseFromString("<body>" + html + "</body>", "text/html");
    doc.body.childNodes.forEach(function (node) {
      if (node.nodeType === 3) out.appendChild(document.createTextNode(node.textContent));
      else if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        out.appendChild(mark);
      } else out.appendChild(document.createTextNode(node.textContent || ""));
    });
    return out;
  }

  // ``text`` (Pagefind's content or excerpt) without the aliases, which come first: the marker ends them only if
  // all before it is what the site writes there (lower-case ASCII words), whatever a page's own text holds.
  function withoutAliases(text) {
    var end = text.indexOf(ALIASES_END);
    if (end === -1 || !/^[a-z0-9 ]*$/.test(text.slice(0, end).replace(/<\/?mark>/g, ""))) return text.trim();
    return text.slice(end + 1).trim();
  }

  // Up to 30 words of ``text`` around the first word that folds to a word of ``query``, those words marked; null
  // if there is none.
  function around(text, query) {
    var terms = query.split(/\s+/).filter(Boolean).map(function (t) { return fold(t); });
    var words = text.split(/\s+/);
    function hit(word) {
      return word.split(/[^\p{L}\p{N}]+/u).some(function (part) {
        if (!part) return false;
        var plain = fold(part), spelled = fold(part, true);
        return terms.some(function (t) { return plain.indexOf(t) === 0 || spelled.indexOf(t) === 0; });
      });
    }
    var first = words.findIndex(hit);
    if (first === -1) return null;
    var out = document.createElement("p");
    out.className = "cb-search__excerpt";
    words.slice(Math.max(0, first - 12), first + 18).forEach(function (word, i) {
      if (i) out.appendChild(document.createTextNode(" "));
      if (hit(word)) {
        var mark = document.createElement("mark");
        mark.textContent = word;
        out.appendChild(mark);
      } else out.appendChild(document.createTextNode(word));
    });
    return out;
  }

  // Pagefind's excerpt when it shows a match in the page's own text; when the match was an alias, the words
  // around the first word of the text that folds to the query ("Lægreid" for "laegreid").
  function excerptOf(item, query) {
    var node = excerpt(withoutAliases(item.excerpt || ""));
    var text = withoutAliases(item.content || "");
    if (node.querySelector("mark") && text.indexOf(node.textContent.trim()) !== -1) return node;
    return around(text, query) || node;
  }

  // A draft's results say so (only `mkdocs serve` shows drafts, and indexes them).
  function draftMark(item) {
    if (!item.meta || !item.meta.draft) return null;
    var badge = document.createElement("span");
    badge.className = "cb-badge";
    badge.textContent = "DRAFT";
    return badge;
  }

  function setup(box) {
    var input = box.querySelector("input[type=search]");
    var panel = box.querySelector(".cb-search__results");
    var form = box.querySelector("form");
    var timer = null;
    var serial = 0;

    function close() {
      panel.hidden = true;
    }

    function show(nodes) {
      panel.replaceChildren.apply(panel, nodes);
      panel.hidden = false;
    }

    function run() {
      var query = input.value.trim();
      var mine = ++serial;
      if (!query) { close(); return; }
      pagefind().then(function (pf) { return pf.debouncedSearch(query, {}, 120); }).then(function (search) {
        if (!search || mine !== serial) return null;
        return Promise.all(search.results.slice(0, 8).map(function (r) { return r.data(); })).then(function (data) {
          if (mine !== serial) return;
          var status = document.createElement("p");
          status.className = "cb-search__status";
          status.textContent = search.results.length === 1 ? "1 page found" : search.results.length + " pages found";
          var list = document.createElement("ol");
          list.className = "cb-search__list";
          data.forEach(function (item) {
            var li = document.createElement("li");
            var a = document.createElement("a");
            a.href = item.url;
            a.textContent = (item.meta && item.meta.title) || item.url;
            li.appendChild(a);
            var draft = draftMark(item);
            if (draft) li.appendChild(draft);
            li.appendChild(excerptOf(item, query));
            list.appendChild(li);
          });
          var more = document.createElement("a");
          more.className = "cb-search__more";
          more.href = form.action + "?q=" + encodeURIComponent(query);
          more.textContent = "Filter these results in the explorer";
          show([status, list, more]);
        });
      }).catch(function () {
        var p = document.createElement("p");
        p.className = "cb-search__status";
        p.textContent = "Search is not available here (the index is built with the site).";
        show([p]);
      });
    }

    input.addEventListener("focus", function () { pagefind().catch(function () {}); }, { once: true });
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 80); });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { close(); input.focus(); }
    });
    document.addEventListener("click", function (event) { if (!box.contains(event.target)) close(); });
    document.addEventListener("keydown", function (event) {
      var t = event.target;
      var typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
      if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        input.focus();
      }
    });
  }

  document.querySelectorAll("[data-cb-search]").forEach(setup);
})();
