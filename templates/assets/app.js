/* dealbook site: sorting and filtering of tables.
 *
 * Progressive enhancement only: without this script every page shows every
 * row in its built order. Tables marked `data-sortable` get a button in each
 * column head (click to sort, again to reverse; `th[data-type]` is "num",
 * "date" or text; a cell's `data-sort` holds its raw value). Tables marked
 * `data-filterable` get a search box (all words must appear in the row) and
 * a drop-down for each `th[data-filter="select"]` column. Labels come from
 * the body's `data-l-*` attributes, so they follow the site's language.
 * No network access, no storage, no inline code (the pages' CSP forbids it).
 */
(function () {
  "use strict";

  var body = document.body;
  var L = {
    filter: body.getAttribute("data-l-filter") || "Filter",
    placeholder: body.getAttribute("data-l-filter-placeholder") || "Filter",
    all: body.getAttribute("data-l-all") || "All",
    shown: body.getAttribute("data-l-shown") || "{shown} / {total}",
    sort: body.getAttribute("data-l-sort") || "Sort by",
    nomatch: body.getAttribute("data-l-nomatch") || ""
  };
  var collator = new Intl.Collator(document.documentElement.lang || undefined, {
    numeric: true,
    sensitivity: "base"
  });

  function rawValue(cell) {
    if (!cell) return "";
    return cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
  }

  function key(cell, type) {
    var v = rawValue(cell);
    if (v === "") return null;
    if (type === "num") {
      var n = parseFloat(v);
      return isNaN(n) ? null : n;
    }
    return v;
  }

  function compare(a, b, type) {
    if (type === "num") return a - b;
    if (type === "date") return a < b ? -1 : a > b ? 1 : 0;
    return collator.compare(a, b);
  }

  function sortTable(table, col, th) {
    var type = th.getAttribute("data-type") || "text";
    var current = th.getAttribute("aria-sort");
    var dir;
    if (current === "ascending") dir = "descending";
    else if (current === "descending") dir = "ascending";
    else dir = type === "num" ? "descending" : "ascending";
    var heads = table.tHead.rows[0].cells;
    for (var h = 0; h < heads.length; h++) heads[h].removeAttribute("aria-sort");
    th.setAttribute("aria-sort", dir);
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows);
    var keyed = rows.map(function (r, i) {
      return { row: r, key: key(r.cells[col], type), i: i };
    });
    keyed.sort(function (x, y) {
      // Rows without a value go last in either direction.
      if (x.key === null || y.key === null) {
        if (x.key === y.key) return x.i - y.i;
        return x.key === null ? 1 : -1;
      }
      var c = compare(x.key, y.key, type);
      if (dir === "descending") c = -c;
      return c || x.i - y.i;
    });
    var frag = document.createDocumentFragment();
    keyed.forEach(function (k) {
      frag.appendChild(k.row);
    });
    tbody.appendChild(frag);
  }

  function makeSortable(table) {
    if (!table.tHead || !table.tBodies.length) return;
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      if (th.textContent.trim() === "") return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.title = L.sort + ": " + th.textContent.trim();
      while (th.firstChild) button.appendChild(th.firstChild);
      var arrow = document.createElement("span");
      arrow.className = "arrow";
      arrow.setAttribute("aria-hidden", "true");
      arrow.textContent = "↕";
      button.appendChild(arrow);
      th.appendChild(button);
      button.addEventListener("click", function () {
        sortTable(table, col, th);
        var dir = th.getAttribute("aria-sort");
        Array.prototype.forEach.call(heads, function (other) {
          var a = other.querySelector(".arrow");
          if (a) a.textContent = "↕";
        });
        arrow.textContent = dir === "ascending" ? "↑" : "↓";
      });
    });
  }

  /* The values a cell offers to a drop-down: each tag's text, or its text. */
  function cellValues(cell) {
    if (!cell) return [];
    var tags = cell.querySelectorAll(".tag");
    if (tags.length) {
      return Array.prototype.map.call(tags, function (t) {
        return t.textContent.trim();
      });
    }
    var s = cell.textContent.trim();
    return s ? [s] : [];
  }

  function makeFilterable(table) {
    if (!table.tHead || !table.tBodies.length) return;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    // A handful of rows needs no filter.
    if (rows.length < 6 && !table.hasAttribute("data-filter-always")) return;
    var text = rows.map(function (r) {
      return r.textContent.replace(/\s+/g, " ").toLowerCase();
    });
    var values = rows.map(function (r) {
      return Array.prototype.map.call(r.cells, cellValues);
    });
    var tools = document.createElement("div");
    tools.className = "table-tools";
    var input = document.createElement("input");
    input.type = "search";
    input.placeholder = L.placeholder;
    input.setAttribute("aria-label", L.filter);
    if (table.id) input.id = table.id + "-filter";
    tools.appendChild(input);
    var selects = [];
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      if (th.getAttribute("data-filter") !== "select") return;
      var seen = {};
      var list = [];
      values.forEach(function (v) {
        (v[col] || []).forEach(function (x) {
          if (!seen[x]) {
            seen[x] = true;
            list.push(x);
          }
        });
      });
      if (list.length < 2) return;
      list.sort(collator.compare);
      var name = th.textContent.trim();
      var select = document.createElement("select");
      select.setAttribute("aria-label", L.filter + ": " + name);
      select.setAttribute("data-col", String(col));
      var all = document.createElement("option");
      all.value = "";
      all.textContent = name + ": " + L.all;
      select.appendChild(all);
      list.forEach(function (x) {
        var o = document.createElement("option");
        o.value = x;
        o.textContent = x;
        select.appendChild(o);
      });
      tools.appendChild(select);
      selects.push({ el: select, col: col });
    });
    var shown = document.createElement("span");
    shown.className = "shown";
    shown.setAttribute("aria-live", "polite");
    tools.appendChild(shown);
    var nomatch = document.createElement("p");
    nomatch.className = "nomatch";
    nomatch.textContent = L.nomatch;
    nomatch.hidden = true;
    tools.appendChild(nomatch);
    var anchor = table.closest(".table-wrap") || table;
    anchor.parentNode.insertBefore(tools, anchor);

    function apply() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var wanted = selects.map(function (s) {
        return { col: s.col, value: s.el.value };
      });
      var n = 0;
      rows.forEach(function (row, i) {
        var ok = words.every(function (w) {
          return text[i].indexOf(w) !== -1;
        });
        for (var k = 0; ok && k < wanted.length; k++) {
          if (wanted[k].value && (values[i][wanted[k].col] || []).indexOf(wanted[k].value) === -1) {
            ok = false;
          }
        }
        row.hidden = !ok;
        if (ok) n++;
      });
      shown.textContent = L.shown.replace("{shown}", String(n)).replace("{total}", String(rows.length));
      nomatch.hidden = n !== 0;
    }
    input.addEventListener("input", apply);
    selects.forEach(function (s) {
      s.el.addEventListener("change", apply);
    });
    apply();
  }

  Array.prototype.forEach.call(document.querySelectorAll("table[data-filterable]"), makeFilterable);
  Array.prototype.forEach.call(document.querySelectorAll("table[data-sortable]"), makeSortable);
})();
