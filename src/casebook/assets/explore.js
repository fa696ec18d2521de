/* Casebook explorer: faceted browsing of the published cases, entirely in the reader's browser.
 *
 * Data: explore/cases.json (facets, title, summary, url, period per case). Within a facet, ticked
 * values are alternatives (OR); across facets all must hold (AND). Each value shows how many cases
 * it would give with the other facets as they are. The text query matches title and summary here
 * and, when the Pagefind index is present, the full text of the cases too. The state lives in the
 * query string (?country=MX&country=NO&mechanism=...&from=2000&to=2010&q=...), so views can be shared.
 */
(function () {
  "use strict";
  /** How many values a long facet shows before "Show all". */
  var FOLD_AFTER = 8;

  var mount = document.getElementById("cb-explore");
  if (!mount) return;

  var dataUrl = new URL(mount.getAttribute("data-src"), location.href);
  var root = new URL("../", dataUrl); // the data file sits in <root>/explore/

  var data = null;
  var state = { facets: {}, from: null, to: null, q: "" };
  var fullText = null; // {query, slugs: Set} once Pagefind has answered for the current query
  var els = {};

  var el = window.casebookDom.el; // dom.js
  var fold = window.casebookDom.fold;
  var draftMark = window.casebookDom.draftMark;

  // --- state <-> URL ---
  function readUrl() {
    var params = new URLSearchParams(location.search);
    state.facets = {};
    data.facets.forEach(function (f) {
      var known = {};
      f.values.forEach(function (v) { known[v.id] = true; });
      var picked = params.getAll(f.key).filter(function (v) { return known[v]; });
      if (picked.length) state.facets[f.key] = picked;
    });
    state.from = /^\d{4}$/.test(params.get("from") || "") ? Number(params.get("from")) : null;
    state.to = /^\d{4}$/.test(params.get("to") || "") ? Number(params.get("to")) : null;
    state.q = (params.get("q") || "").trim();
  }

  function writeUrl() {
    var params = new URLSearchParams();
    if (state.q) params.append("q", state.q);
    data.facets.forEach(function (f) {
      // In the page's order, not the order of the clicks: one view, one URL.
      var picked = state.facets[f.key] || [];
      f.values.forEach(function (v) { if (picked.indexOf(v.id) !== -1) params.append(f.key, v.id); });
    });
    if (state.from !== null) params.set("from", String(state.from));
    if (state.to !== null) params.set("to", String(state.to));
    var search = params.toString();
    var url = location.pathname + (search ? "?" + search : "") + location.hash;
    if (url !== location.pathname + location.search + location.hash) history.replaceState(null, "", url);
  }

  // --- matching ---
  function matchesText(c) {
    if (!state.q) return true;
    if (fullText && fullText.slugs && fullText.query === state.q && fullText.slugs.has(c.slug)) return true;
    if (!c._text) c._text = fold(c.title + " " + c.summary);
    return fold(state.q).split(/\s+/).every(function (w) { return c._text.indexOf(w) !== -1; });
  }

  function matchesPeriod(c) {
    var end = c.end === null ? 9999 : c.end;
    if (state.from !== null && end < state.from) return false;
    if (state.to !== null && c.start > state.to) return false;
    return true;
  }

  function matchesFacet(c, key) {
    var picked = state.facets[key];
    if (!picked || !picked.length) return true;
    var have = c.facets[key] || [];
    return picked.some(function (v) { return have.indexOf(v) !== -1; });
  }

  function matches(c, except) {
    if (!matchesText(c) || !matchesPeriod(c)) return false;
    return data.facets.every(function (f) { return f.key === except || matchesFacet(c, f.key); });
  }

  // --- rendering ---
  function build() {
    var form = el("form", { "class": "cb-ex__form", "aria-label": "Filter the cases" });
    form.addEventListener("submit", function (e) { e.preventDefault(); });

    var qId = "cb-ex-q";
    els.q = el("input", { type: "search", id: qId, name: "q", autocomplete: "off" });
    form.appendChild(el("div", { "class": "cb-ex__text" }, [
      el("label", { "for": qId, text: "Words" }),
      els.q,
      el("p", { "class": "cb-ex__hint", id: "cb-ex-q-hint", text: "Matched in titles and summaries, and in the full text of the cases when the search index is available." }),
    ]));
    els.q.setAttribute("aria-describedby", "cb-ex-q-hint");
    els.q.addEventListener("input", function () { state.q = els.q.value.trim(); queryFullText(); update(); });

    var years = data.years.length ? data.years : [1800, 2100];
    els.from = el("input", { type: "number", id: "cb-ex-from", name: "from", min: String(years[0]), max: String(years[1]), inputmode: "numeric" });
    els.to = el("input", { type: "number", id: "cb-ex-to", name: "to", min: String(years[0]), max: String(years[1]), inputmode: "numeric" });
    function onYears() {
      state.from = /^\d{4}$/.test(els.from.value) ? Number(els.from.value) : null;
      state.to = /^\d{4}$/.test(els.to.value) ? Number(els.to.value) : null;
      update();
    }
    els.from.addEventListener("input", onYears);
    els.to.addEventListener("input", onYears);

    els.boxes = {};
    els.counts = {};
    data.facets.forEach(function (f) {
      var set = el("fieldset", { "class": "cb-ex__facet" }, [el("legend", { text: f.label })]);
      var group = null;
      var list = null;
      f.values.forEach(function (v, i) {
        if (f.key === "country" && v.group !== group) {
          group = v.group;
          list = el("ul", { "class": "cb-ex__values", "aria-label": group });
          set.appendChild(el("p", { "class": "cb-ex__group", "aria-hidden": "true", text: group }));
          set.appendChild(list);
        } else if (!list) {
          list = el("ul", { "class": "cb-ex__values" });
          set.appendChild(list);
        }
        var id = "cb-ex-" + f.key + "-" + i;
        var box = el("input", { type: "checkbox", id: id, name: f.key, value: v.id });
        var count = el("span", { "class": "cb-ex__count" });
        box.addEventListener("change", function () {
          var picked = (state.facets[f.key] || []).filter(function (x) { return x !== v.id; });
          if (box.checked) picked.push(v.id);
          state.facets[f.key] = picked;
          update();
        });
        els.boxes[f.key + "\u0000" + v.id] = box;
        els.counts[f.key + "\u0000" + v.id] = count;
        list.appendChild(el("li", {}, [box, el("label", { "for": id }, [document.createTextNode(v.label + " "), count])]));
      });
      // A long list without groups shows its first values and a button for the rest (ticked ones always show).
      var values = set.querySelectorAll("li");
      if (f.key !== "country" && values.length > FOLD_AFTER + 2) {
        set.classList.add("cb-ex__facet--folded");
        var more = el("button", { type: "button", "class": "cb-ex__more", "aria-expanded": "false",
          text: "Show all " + values.length });
        more.addEventListener("click", function () {
          var folded = set.classList.toggle("cb-ex__facet--folded");
          more.setAttribute("aria-expanded", String(!folded));
          more.textContent = folded ? "Show all " + values.length : "Show fewer";
        });
        set.appendChild(more);
      }
      form.appendChild(set);
    });

    form.appendChild(el("fieldset", { "class": "cb-ex__facet cb-ex__period" }, [
      el("legend", { text: "Period (years the practice was active)" }),
      el("label", { "for": "cb-ex-from", text: "From" }), els.from,
      el("label", { "for": "cb-ex-to", text: "To" }), els.to,
    ]));

    var clear = el("button", { type: "button", "class": "md-button", text: "Clear all filters" });
    clear.addEventListener("click", function () {
      state = { facets: {}, from: null, to: null, q: "" };
      sync();
      update();
    });
    form.appendChild(clear);

    els.status = el("p", { "class": "cb-ex__status", role: "status", "aria-live": "polite" });
    els.results = el("ol", { "class": "cb-ex__results", "aria-labelledby": "cb-ex-results-title" });
    var results = el("section", { "class": "cb-ex__output", "aria-labelledby": "cb-ex-results-title" }, [
      el("h2", { id: "cb-ex-results-title", text: "Cases" }), els.status, els.results,
    ]);
    mount.replaceChildren(form, results);
    mount.classList.add("cb-ex--ready");
    foldFilters(form);
  }

  // --- On a phone: results first, the filters behind a button (as reader libraries do) ---
  // The facets, the period and "Clear all" move into a panel after the text box. On a narrow screen
  // (casebook.css) the panel is closed until the "Filters" button opens it, and its "Show N cases" button closes
  // it again and moves to the results; Escape closes it too. On a wide screen the panel is always open beside the
  // results and neither button shows, so the page looks as it did without the panel.
  function foldFilters(form) {
    var panel = el("div", { "class": "cb-ex__filters", id: "cb-ex-filters" });
    Array.prototype.slice.call(form.children).forEach(function (child) {
      if (!child.classList.contains("cb-ex__text")) panel.appendChild(child);
    });
    els.toggle = el("button", { type: "button", "class": "md-button cb-ex__toggle", "aria-expanded": "false",
      "aria-controls": "cb-ex-filters" });
    els.done = el("button", { type: "button", "class": "md-button md-button--primary cb-ex__done" });
    panel.appendChild(els.done);
    form.appendChild(els.toggle);
    form.appendChild(panel);

    function open(yes) {
      mount.classList.toggle("cb-ex--open", yes);
      els.toggle.setAttribute("aria-expanded", String(yes));
    }
    els.toggle.addEventListener("click", function () { open(!mount.classList.contains("cb-ex--open")); });
    els.done.addEventListener("click", function () {
      open(false);
      var heading = document.getElementById("cb-ex-results-title");
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    });
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && mount.classList.contains("cb-ex--open")) {
        open(false);
        els.toggle.focus();
      }
    });
  }

  // The buttons' labels: how many filters are set, how many cases they give.
  function labelFilterButtons(found) {
    if (!els.toggle) return;
    var set = Object.keys(state.facets).reduce(function (n, k) { return n + state.facets[k].length; }, 0);
    set += (state.from !== null ? 1 : 0) + (state.to !== null ? 1 : 0);
    els.toggle.textContent = set ? "Filters (" + set + " set)" : "Filters";
    els.done.textContent = found === 1 ? "Show 1 case" : "Show " + found + " cases";
  }

  // Drafts are records only in the preview of `mkdocs serve`, never in a build: marked as on the other pages.

  function sync() {
    els.q.value = state.q;
    els.from.value = state.from === null ? "" : String(state.from);
    els.to.value = state.to === null ? "" : String(state.to);
    data.facets.forEach(function (f) {
      var picked = state.facets[f.key] || [];
      f.values.forEach(function (v) { els.boxes[f.key + "\u0000" + v.id].checked = picked.indexOf(v.id) !== -1; });
    });
  }

  function labels(key) {
    var out = {};
    data.facets.forEach(function (f) { if (f.key === key) f.values.forEach(function (v) { out[v.id] = v.label; }); });
    return out;
  }

  function update() {
    writeUrl();
    data.facets.forEach(function (f) {
      var base = data.cases.filter(function (c) { return matches(c, f.key); });
      f.values.forEach(function (v) {
        var n = base.filter(function (c) { return (c.facets[f.key] || []).indexOf(v.id) !== -1; }).length;
        var k = f.key + "\u0000" + v.id;
        els.counts[k].textContent = "(" + n + ")";
        els.boxes[k].parentNode.classList.toggle("cb-ex__value--empty", n === 0);
      });
    });
    var found = data.cases.filter(function (c) { return matches(c, null); });
    var countries = labels("country");
    els.status.textContent = (found.length === 1 ? "1 case" : found.length + " cases") + " of " + data.cases.length +
      (fullText === "loading" ? " (searching the full text…)" : "");
    labelFilterButtons(found.length);
    els.results.replaceChildren.apply(els.results, found.map(function (c) {
      var names = (c.facets.country || []).map(function (code) { return countries[code] || code; }).join(", ");
      var period = c.start + "–" + (c.end === null ? "present" : c.end);
      return el("li", { "class": "cb-ex__case", "data-slug": c.slug }, [
        el("h3", {}, [el("a", { href: new URL(c.url, root).href, text: c.title }), draftMark(c)]),
        el("p", { "class": "cb-ex__meta", text: names + " · " + period }),
        el("p", { "class": "cb-ex__summary", text: c.lede || c.summary }),
      ]);
    }));
    announce(found);
  }

  // For explore-select.js (ticking cases to compare, "Cite this selection"): the cases shown, after each update.
  function announce(found) {
    mount.dispatchEvent(new CustomEvent("cb-explore:update", {
      detail: { cases: found, results: els.results, output: els.results.parentNode },
    }));
  }

  // Full text through Pagefind: its per-query counts of the 'slug' filter say which cases match,
  // without loading a single result fragment.
  function queryFullText() {
    var query = state.q;
    if (!query || !window.casebookPagefind) { fullText = null; return; }
    fullText = "loading";
    window.casebookPagefind().then(function (pf) {
      // Searches report counts only for filters already loaded: load them (once) first.
      return pf.filters().then(function () { return pf.search(query, { filters: { kind: "case" } }); });
    }).then(function (search) {
      if (!search || query !== state.q) return;
      var slugs = new Set();
      var counts = (search.filters && search.filters.slug) || {};
      Object.keys(counts).forEach(function (s) { if (counts[s] > 0) slugs.add(s); });
      fullText = { query: query, slugs: slugs };
      update();
    }).catch(function () { fullText = null; update(); });
  }

  window.casebookDom.fetchJson(dataUrl).then(function (json) {
    data = json;
    build();
    readUrl();
    sync();
    update();
    queryFullText();
  }).catch(function () {
    window.casebookDom.loadFailed(mount, "The list of cases");
  });
})();
