/* Casebook: sort the tables inside .cb-sortable by a column when its heading button is pressed.
   Without JavaScript the table is a plain table in its generated order. Each cell may carry a
   data-sort key; otherwise its text is used. */
(function () {
  "use strict";

  function key(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    return cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim().toLowerCase();
  }

  function sortBy(table, index, button) {
    var header = button.parentNode;
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.forEach(function (row, position) { row._cbPosition = position; });
    rows.sort(function (a, b) {
      var ka = key(a, index), kb = key(b, index);
      var order = ka < kb ? -1 : ka > kb ? 1 : a._cbPosition - b._cbPosition;
      return ascending ? order : (ka === kb ? order : -order);
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  function enhance(table) {
    if (table.getAttribute("data-cb-enhanced") || !table.tHead || !table.tBodies.length) return;
    table.setAttribute("data-cb-enhanced", "true");
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "cb-sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, index, button); });
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".cb-sortable table"), enhance);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
