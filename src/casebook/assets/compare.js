/* Casebook comparison view: two to four cases side by side, entirely in the reader's browser.
 *
 * Data: compare/cases.json (the aspects, and each published case's title, countries, period and terms, to
 * choose from) and compare/cases/<slug>.json (one case's values by aspect, in plain text), asked for only for
 * the cases chosen. The address holds
 * the choice, /compare/?cases=a,b[,c,d] (in the reader's order), so a comparison can be bookmarked and shared;
 * with fewer than two cases chosen the page is a searchable list to choose from. A value that more than one of
 * the chosen cases has (the same id) is marked in words ("in both", "in 2 of 3") as well as by its background.
 * Wide screens get a table, one column per case and one row per aspect; narrow ones one card per case
 * (casebook.css switches between the two; print uses the table).
 */
(function () {
  "use strict";

  var mount = document.getElementById("cb-compare");
  if (!mount) return;

  var dataUrl = new URL(mount.getAttribute("data-src"), location.href);
  var root = new URL("../", dataUrl); // the data file sits in <root>/compare/

  var data = null;
  var bySlug = new Map();
  var values = new Map(); // slug -> the case's values by aspect, once loaded
  var loading = new Map(); // slug -> the promise of its file
  var max = 4;
  var chosen = []; // slugs, in column order
  var notes = []; // what the address asked for and does not get, and why
  var els = {};

  var el = window.casebookDom.el; // dom.js
  var fold = window.casebookDom.fold;
  var draftMark = window.casebookDom.draftMark;

  /** A link to a page of this site, or null for anything that would leave it. */
  function siteLink(path, text) {
    var url = new URL(path, root);
    if (url.origin !== root.origin) return null;
    return el("a", { href: url.href, text: text });
  }

  function load(slug) {
    if (!loading.has(slug)) {
      var url = new URL("cases/" + encodeURIComponent(slug) + ".json", dataUrl);
      loading.set(slug, window.casebookDom.fetchJson(url).then(function (json) {
        values.set(slug, json.values);
      }).catch(function (error) {
        loading.delete(slug); // ask again next time
        throw error;
      }));
    }
    return loading.get(slug);
  }

  // --- state <-> URL ---
  function readUrl() {
    var params = new URLSearchParams(location.search);
    var asked = [];
    params.getAll("cases").forEach(function (value) {
      value.split(",").forEach(function (s) { s = s.trim(); if (s) asked.push(s); });
    });
    chosen = [];
    notes = [];
    asked.forEach(function (slug) {
      var c = bySlug.get(slug);
      if (!c) {
        notes.push("No published case is called \u201c" + (slug.length > 80 ? slug.slice(0, 80) + "\u2026" : slug) +
          "\u201d: the address names it, but it is left out.");
      } else if (chosen.indexOf(slug) === -1) {
        if (chosen.length < max) chosen.push(slug);
        else notes.push("At most " + max + " cases fit side by side: \u201c" + c.title + "\u201d is left out.");
      }
    });
  }

  function writeUrl() {
    var search = chosen.length ? "?cases=" + chosen.map(encodeURIComponent).join(",") : "";
    var url = location.pathname + search + location.hash;
    if (url !== location.pathname + location.search + location.hash) history.replaceState(null, "", url);
  }

  function choose(slug, on) {
    var at = chosen.indexOf(slug);
    if (on && at === -1 && chosen.length < max) chosen.push(slug);
    if (!on && at !== -1) chosen.splice(at, 1);
    notes = [];
    writeUrl();
    render();
  }

  // --- the picker: a searchable list of every case ---
  function buildPicker() {
    els.pickTitle = el("h2", { id: "cb-cmp-pick-title", tabindex: "-1", text: "Choose cases" });
    els.q = el("input", { type: "search", id: "cb-cmp-q", autocomplete: "off", "aria-describedby": "cb-cmp-q-hint" });
    els.count = el("p", { "class": "cb-cmp__count", id: "cb-cmp-count" });
    els.list = el("ul", { "class": "cb-cmp__list", "aria-labelledby": "cb-cmp-pick-title" });
    els.boxes = new Map();
    els.items = [];
    data.cases.forEach(function (c, i) {
      var id = "cb-cmp-pick-" + i;
      var box = el("input", { type: "checkbox", id: id, value: c.slug, "aria-describedby": "cb-cmp-count" });
      box.addEventListener("change", function () { choose(c.slug, box.checked); });
      var meta = c.countries.join(", ") + " \u00b7 " + c.period;
      var item = el("li", { "class": "cb-cmp__option" }, [box, el("label", { "for": id }, [
        el("span", { "class": "cb-cmp__option-title" }, [c.title, c.draft ? " " : null, draftMark(c)]),
        el("span", { "class": "cb-cmp__option-meta", text: meta }),
      ])]);
      item.cbText = fold([c.title, meta].concat(c.terms).join(" "));
      item.cbBox = box;
      els.boxes.set(c.slug, box);
      els.items.push(item);
      els.list.appendChild(item);
    });
    els.q.addEventListener("input", filter);
    return el("section", { "class": "cb-cmp__picker", "aria-labelledby": "cb-cmp-pick-title" }, [
      els.pickTitle,
      el("div", { "class": "cb-cmp__search" }, [
        el("label", { "for": "cb-cmp-q", text: "Find cases" }),
        els.q,
        el("p", { "class": "cb-cmp__hint", id: "cb-cmp-q-hint",
          text: "Matches titles, countries, periods, mechanisms and policy areas. Tick two to four cases." }),
      ]),
      els.count,
      els.list,
    ]);
  }

  function filter() {
    var words = fold(els.q.value.trim()).split(/\s+/).filter(Boolean);
    var shown = 0;
    els.items.forEach(function (item) {
      var match = words.every(function (w) { return item.cbText.indexOf(w) !== -1; });
      item.hidden = !match && !item.cbBox.checked; // a chosen case stays in sight
      if (match) shown += 1;
    });
    els.matching = words.length ? shown : null;
    showCount();
  }

  function showCount() {
    var text = chosen.length + " of at most " + max + " chosen";
    if (els.matching !== null && els.matching !== undefined) {
      text += "; " + (els.matching === 1 ? "1 case matches" : els.matching + " cases match") + " the words";
    }
    if (chosen.length >= max) text += ". Untick one to choose another";
    els.count.textContent = text + ".";
  }

  // --- the comparison ---
  function sharing() {
    var counts = new Map(); // aspect + "\u0000" + id -> how many chosen cases have it
    chosen.forEach(function (slug) {
      var own = values.get(slug);
      data.aspects.forEach(function (a) {
        var seen = new Set();
        own[a.key].forEach(function (v) {
          if (v.id === undefined || seen.has(v.id)) return;
          seen.add(v.id);
          var k = a.key + "\u0000" + v.id;
          counts.set(k, (counts.get(k) || 0) + 1);
        });
      });
    });
    return counts;
  }

  function mark(k, n) {
    if (n === 2) return "in both";
    return k === n ? "in all " + n : "in " + k + " of " + n;
  }

  function cell(slug, aspect, counts) {
    var list = values.get(slug)[aspect.key];
    if (!list.length) return el("p", { "class": "cb-cmp__none", text: "Not given" });
    var n = chosen.length;
    return el("ul", { "class": "cb-cmp__values" }, list.map(function (v) {
      var k = v.id === undefined ? 0 : counts.get(aspect.key + "\u0000" + v.id) || 0;
      var item = el("li", k >= 2 ? { "class": "cb-cmp__shared" } : {}, [
        (v.href && siteLink(v.href, v.text)) || v.text,
      ]);
      if (k >= 2) item.append(" ", el("span", { "class": "cb-cmp__mark", text: mark(k, n) }));
      if (v.note) item.appendChild(el("span", { "class": "cb-cmp__note", text: v.note }));
      return item;
    }));
  }

  function removeButton(c) {
    var button = el("button", { type: "button", "class": "cb-cmp__remove" }, [
      "Remove", el("span", { "class": "cb-sr-only", text: " \u201c" + c.title + "\u201d from the comparison" }),
    ]);
    button.addEventListener("click", function () {
      choose(c.slug, false);
      (chosen.length >= 2 ? els.resultTitle : els.pickTitle).focus();
    });
    return button;
  }

  function table(counts) {
    var n = chosen.length;
    var head = el("tr", {}, [el("th", { scope: "col", text: "Aspect" })].concat(chosen.map(function (slug) {
      var c = bySlug.get(slug);
      var title = siteLink(c.url, c.title) || c.title;
      return el("th", { scope: "col" }, [title, c.draft ? " " : null, draftMark(c), " ", removeButton(c)]);
    })));
    var rows = data.aspects.map(function (a) {
      return el("tr", {}, [el("th", { scope: "row", text: a.label })].concat(chosen.map(function (slug) {
        return el("td", {}, [cell(slug, a, counts)]);
      })));
    });
    var t = el("table", { "class": "cb-cmp__table cb-cmp__table--" + n }, [
      el("caption", { id: "cb-cmp-caption", text: n + " cases side by side, one column each" }),
      el("thead", {}, [head]),
      el("tbody", {}, rows),
    ]);
    return el("div", { "class": "cb-cmp__scroll", role: "region", tabindex: "0", "aria-labelledby": "cb-cmp-caption" },
      [t]);
  }

  function cards(counts) {
    return el("div", { "class": "cb-cmp__cards" }, chosen.map(function (slug, i) {
      var c = bySlug.get(slug);
      var facts = el("dl", { "class": "cb-cmp__facts" });
      data.aspects.forEach(function (a) {
        facts.appendChild(el("dt", { text: a.label }));
        facts.appendChild(el("dd", {}, [cell(slug, a, counts)]));
      });
      return el("section", { "class": "cb-cmp__card", "aria-labelledby": "cb-cmp-card-" + i }, [
        el("h3", { id: "cb-cmp-card-" + i },
          [siteLink(c.url, c.title) || c.title, c.draft ? " " : null, draftMark(c)]),
        removeButton(c),
        facts,
      ]);
    }));
  }

  function render() {
    var n = chosen.length;
    var titles = chosen.map(function (s) { return "\u201c" + bySlug.get(s).title + "\u201d"; });
    var said = "Comparing " + n + " cases: " + titles.join(", ") + ".";
    if (!data.cases.length) said = "No case is published yet: there is nothing to compare.";
    else if (n === 0) said = "No case chosen yet: choose two to four cases from the list to compare them.";
    else if (n === 1) said = titles[0] + " is chosen: choose one to three more cases to compare it with.";
    els.status.textContent = said;
    els.notes.replaceChildren.apply(els.notes, notes.map(function (t) { return el("li", { text: t }); }));
    els.notes.hidden = !notes.length;
    els.boxes.forEach(function (box, slug) {
      box.checked = chosen.indexOf(slug) !== -1;
      box.disabled = !box.checked && n >= max;
    });
    filter();
    els.pickTitle.textContent = n >= 2 ? "Change the cases" : "Choose cases";
    els.result.hidden = n < 2;
    if (n < 2) {
      els.view.replaceChildren();
      return;
    }
    var missing = chosen.filter(function (slug) { return !values.has(slug); });
    if (missing.length) {
      els.view.replaceChildren(el("p", { text: "Loading the cases\u2026" }));
      Promise.all(missing.map(load)).then(render, function () {
        els.view.replaceChildren(el("p", { text: "The cases could not be loaded." }));
      });
      return;
    }
    var counts = sharing();
    els.view.replaceChildren(table(counts), cards(counts));
  }

  function build() {
    els.status = el("p", { "class": "cb-cmp__status", role: "status", "aria-live": "polite" });
    els.notes = el("ul", { "class": "cb-cmp__notes" });
    els.resultTitle = el("h2", { id: "cb-cmp-result-title", tabindex: "-1", text: "Side by side" });
    els.view = el("div", { "class": "cb-cmp__view" });
    els.result = el("section", { "class": "cb-cmp__result", "aria-labelledby": "cb-cmp-result-title" }, [
      els.resultTitle,
      el("p", { "class": "cb-cmp__legend", text: "A value that more than one of the cases has is highlighted and " +
        "marked in words: \u201cin both\u201d, \u201cin all 3\u201d, \u201cin 2 of 4\u201d. Values without a mark " +
        "are where the cases differ." }),
      els.view,
    ]);
    mount.replaceChildren(els.status, els.notes, els.result, buildPicker());
    mount.classList.add("cb-cmp--ready");
  }

  window.casebookDom.fetchJson(dataUrl).then(function (json) {
    data = json;
    max = data.max || max;
    data.cases.forEach(function (c) { bySlug.set(c.slug, c); });
    build();
    readUrl();
    writeUrl();
    render();
  }).catch(function () {
    window.casebookDom.loadFailed(mount, "The list of cases");
  });
})();
