/* Casebook explorer, second part: tick cases to compare them, and "Cite this selection".
 *
 * Runs beside explore.js, which announces the cases it shows after every update ("cb-explore:update" on
 * #cb-explore). Each case shown gets a "Compare" tick box; two to four ticked cases open the comparison view
 * (/compare/?cases=a,b). "Cite this selection" downloads the BibTeX and the CSV of the cases shown, or of the
 * ticked ones, made from explore/cite.json (fetched at the first download): each BibTeX entry is the case page's
 * "Cite this case", each CSV line the case's line of /data/cases.csv, in the order of that file (by slug).
 */
(function () {
  "use strict";

  var host = document.getElementById("cb-explore-select");
  var explorer = document.getElementById("cb-explore");
  if (!host || !explorer) return;

  var MAX = 4;
  var compareUrl = new URL(host.getAttribute("data-compare"), location.href);
  var citeUrl = new URL(host.getAttribute("data-cite"), location.href);

  var ticked = []; // slugs, in the order they were ticked
  var titles = new Map(); // slug -> title, of every case shown so far
  var shown = []; // slugs of the cases the explorer shows now
  var boxes = new Map(); // slug -> its tick box, for the cases shown now
  var cite = null; // a promise of explore/cite.json, once asked for
  var els = null;

  var el = window.casebookDom.el; // dom.js

  function cases(n) { return n === 1 ? "1 case" : n + " cases"; }

  // --- "Cite this selection" ---
  function citeData() {
    if (!cite) {
      cite = window.casebookDom.fetchJson(citeUrl);
      cite.catch(function () { cite = null; }); // try again at the next click
    }
    return cite;
  }

  function save(text, type, name) {
    var url = URL.createObjectURL(new Blob([text], { type: type }));
    var link = el("a", { href: url, download: name, hidden: "" });
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
  }

  function download(which, kind) {
    var slugs = (which === "ticked" ? ticked : shown).slice().sort(); // cases.csv's order
    if (!slugs.length) return;
    citeData().then(function (json) {
      var entries = slugs.filter(function (s) { return Object.prototype.hasOwnProperty.call(json.cases, s); })
        .map(function (s) { return json.cases[s]; });
      if (kind === "bib") {
        save(entries.map(function (e) { return e.bibtex; }).join("\n"), "application/x-bibtex;charset=utf-8",
          "casebook-selection.bib");
      } else {
        save(json.csv_header + entries.map(function (e) { return e.csv; }).join(""), "text/csv;charset=utf-8",
          "casebook-selection.csv");
      }
      els.said.textContent = "Downloaded " + cases(entries.length) + " as " + (kind === "bib" ? "BibTeX" : "CSV") + ".";
    }).catch(function () {
      els.said.textContent = "The citations could not be loaded; try again.";
    });
  }

  function citeGroup(which) {
    var id = "cb-exsel-cite-" + which;
    var text = el("span", { id: id, "class": "cb-exsel__label" });
    var bib = el("button", { type: "button", "class": "md-button", text: "BibTeX" });
    var csv = el("button", { type: "button", "class": "md-button", text: "CSV" });
    bib.addEventListener("click", function () { download(which, "bib"); });
    csv.addEventListener("click", function () { download(which, "csv"); });
    return { text: text, buttons: [bib, csv], group: el("div", { "class": "cb-exsel__row", role: "group",
      "aria-labelledby": id }, [text, " ", bib, " ", csv]) };
  }

  // --- ticking cases to compare ---
  function build() {
    els = {};
    // Polite live region: a screen reader hears what ticking did ("Ticked: ... Tick one to three more").
    els.compareText = el("p", { "class": "cb-exsel__text", id: "cb-exsel-compare-text", "aria-live": "polite" });
    els.go = el("a", { "class": "md-button md-button--primary", text: "Compare the ticked cases" });
    els.untick = el("button", { type: "button", "class": "md-button", text: "Untick all" });
    els.untick.addEventListener("click", function () { ticked = []; refresh(); });
    els.shownCite = citeGroup("shown");
    els.tickedCite = citeGroup("ticked");
    els.said = el("p", { "class": "cb-exsel__said", role: "status", "aria-live": "polite" });
    els.bar = el("div", { "class": "cb-exsel__bar" }, [
      el("div", { "class": "cb-exsel__compare", role: "group", "aria-labelledby": "cb-exsel-compare-text" }, [
        els.compareText, el("p", { "class": "cb-exsel__actions" }, [els.go, " ", els.untick]),
      ]),
      el("div", { "class": "cb-exsel__cite" }, [
        el("p", { "class": "cb-exsel__heading", text: "Cite this selection" }),
        els.shownCite.group, els.tickedCite.group, els.said,
      ]),
    ]);
  }

  function tickBox(c) {
    var id = "cb-exsel-" + c.slug;
    var box = el("input", { type: "checkbox", id: id, "class": "cb-exsel__box", value: c.slug });
    box.checked = ticked.indexOf(c.slug) !== -1;
    box.addEventListener("change", function () {
      var at = ticked.indexOf(c.slug);
      if (box.checked && at === -1 && ticked.length < MAX) ticked.push(c.slug);
      if (!box.checked && at !== -1) ticked.splice(at, 1);
      refresh();
    });
    boxes.set(c.slug, box);
    return el("p", { "class": "cb-exsel__tick" }, [box, el("label", { "for": id }, [
      "Compare", el("span", { "class": "cb-sr-only", text: " \u201c" + c.title + "\u201d" }),
    ])]);
  }

  // The ticks outlive a visit to the comparison and back (this tab only; nothing leaves the browser).
  var STORE = "casebook-explore-ticked";

  function remembered() {
    try {
      var value = JSON.parse(window.sessionStorage.getItem(STORE) || "[]");
      return Array.isArray(value) ? value.filter(function (s) { return typeof s === "string"; }).slice(0, MAX) : [];
    } catch (e) {
      return [];
    }
  }

  function remember() {
    try { window.sessionStorage.setItem(STORE, JSON.stringify(ticked)); } catch (e) { /* storage off: forget */ }
  }

  function refresh() {
    remember();
    var n = ticked.length;
    var names = ticked.map(function (s) { return "\u201c" + titles.get(s) + "\u201d"; }).join(", ");
    var said = "Ticked: " + names + (n >= MAX ? " (at most " + MAX + ")." : ".");
    if (n === 0) said = "Tick \u201cCompare\u201d on two to four cases to see them side by side.";
    else if (n === 1) said = "Ticked: " + names + ". Tick one to three more to compare.";
    els.compareText.textContent = said;
    els.go.hidden = n < 2;
    els.go.setAttribute("href", compareUrl.href + "?cases=" + ticked.map(encodeURIComponent).join(","));
    els.untick.hidden = n === 0;
    boxes.forEach(function (box, slug) {
      box.checked = ticked.indexOf(slug) !== -1;
      box.disabled = !box.checked && n >= MAX;
    });
    els.shownCite.text.textContent = "The " + cases(shown.length) + " shown:";
    els.shownCite.buttons.forEach(function (b) { b.disabled = !shown.length; });
    els.tickedCite.text.textContent = "The " + cases(n) + " ticked:";
    els.tickedCite.group.hidden = n === 0;
    els.bar.classList.toggle("cb-exsel__bar--ticked", n > 0);
    if (els.bar.parentNode) els.bar.parentNode.classList.toggle("cb-ex__output--ticked", n > 0);
  }

  // Before the list on a wide screen, after it on a phone (as casebook.css's breakpoint says).
  var phone = window.matchMedia("(max-width: 44.9375em)");
  var placed = null; // the explorer's latest {output, results}

  function place() {
    if (!placed) return;
    var before = phone.matches ? placed.results.nextSibling : placed.results;
    if (els.bar.parentNode !== placed.output || els.bar.nextSibling !== before) {
      placed.output.insertBefore(els.bar, before);
    }
  }
  phone.addEventListener("change", place);

  explorer.addEventListener("cb-explore:update", function (event) {
    var detail = event.detail;
    if (!els) {
      build();
      var known = new Set(detail.cases.map(function (c) { return c.slug; }));
      ticked = remembered().filter(function (s) { return known.has(s); });
    }
    placed = { output: detail.output, results: detail.results };
    place();
    shown = detail.cases.map(function (c) { return c.slug; });
    boxes = new Map();
    var records = new Map();
    detail.cases.forEach(function (c) { titles.set(c.slug, c.title); records.set(c.slug, c); });
    detail.results.querySelectorAll("li[data-slug]").forEach(function (item) {
      var c = records.get(item.getAttribute("data-slug"));
      if (c) item.appendChild(tickBox(c));
    });
    refresh();
  });
})();
