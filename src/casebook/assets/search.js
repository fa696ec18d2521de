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
            li.appendChild(excerpt(item.excerpt || ""));
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
