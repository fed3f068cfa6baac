/* dealbook site: sorting and filtering of tables, and search.
 *
 * Progressive enhancement only: without this script every page shows every
 * row in its built order (and the filter bars and the search box, written
 * into the pages hidden, stay hidden). Tables marked `data-sortable` get a button in each
 * column head (click to sort, again to reverse; `th[data-type]` is "num",
 * "date" or text; a cell's `data-sort` holds its raw value). Tables marked
 * `data-filterable` get a search box (all words must appear in the row) and
 * a drop-down for each `th[data-filter="select"]` column. Labels come from
 * the body's `data-l-*` attributes, so they follow the site's language.
 * The long lists filter by facets, with the state in the URL (below).
 * No network access, no storage, no inline code (the pages' CSP forbids
 * it); the search index is a script of the site, loaded on first use.
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
    nomatch: body.getAttribute("data-l-nomatch") || "",
    clear: body.getAttribute("data-l-clear") || "Clear",
    filters: body.getAttribute("data-l-filters") || "Filters",
    searchLoading: body.getAttribute("data-l-search-loading") || "…",
    searchFailed: body.getAttribute("data-l-search-failed") || "",
    searchNone: body.getAttribute("data-l-search-none") || "",
    searchMore: body.getAttribute("data-l-search-more") || "+{n}"
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

  /* The count of the rows shown and the no-match line of a filter bar. */
  function statusLine(tools) {
    var shown = document.createElement("span");
    shown.className = "shown";
    shown.setAttribute("aria-live", "polite");
    tools.appendChild(shown);
    var nomatch = document.createElement("p");
    nomatch.className = "nomatch";
    nomatch.textContent = L.nomatch;
    nomatch.hidden = true;
    tools.appendChild(nomatch);
    return { shown: shown, nomatch: nomatch };
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
    var status = statusLine(tools);
    var shown = status.shown;
    var nomatch = status.nomatch;
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

  /* ---- money and counts, as the pages write them -------------------- */

  var moneyPrefix = body.getAttribute("data-money") || "";

  function group(n) {
    var s = String(n);
    var out = "";
    for (var i = 0; i < s.length; i++) {
      if (i > 0 && (s.length - i) % 3 === 0) out += ",";
      out += s.charAt(i);
    }
    return out;
  }

  /* Cents from a cell's raw value ("674500.00"): exact for any amount. */
  function cents(v) {
    var n = parseFloat(v);
    return isNaN(n) ? 0 : Math.round(n * 100);
  }

  /* Whole units, half away from zero, like the pages' own figures. */
  function money(c) {
    var neg = c < 0;
    var whole = Math.floor((Math.abs(c) + 50) / 100);
    return (neg && whole ? "-" : "") + moneyPrefix + group(whole);
  }

  /* ---- filters that travel: facets, #q= state, totals ---------------
   * A table with `data-facets` has its drop-downs written into the page,
   * hidden, in `#<table id>-filters` (each `select[data-facet]`), and its
   * rows carry `data-keys="facet:value …"`. A row shows when every facet
   * with a value matches one of its keys (values of one facet: any of
   * them) and the text matches. With `data-url-state` the state is kept
   * in the URL after `#q=` (`period:2026-Q4+cat:won,commit+text:erp`), so
   * a filtered list is a link; links to it from other pages drill down.
   * The `tfoot` cells with `data-total` sum the rows shown. */

  function parseQuery(hash) {
    var m = /^#q=(.*)$/.exec(hash || "");
    if (!m) return null;
    var st = { facets: {}, text: "" };
    m[1].split("+").forEach(function (part) {
      var i = part.indexOf(":");
      if (i < 1) return;
      var k = part.slice(0, i);
      var v = part.slice(i + 1);
      if (k === "text") {
        try {
          st.text = decodeURIComponent(v);
        } catch (e) {
          st.text = v;
        }
        return;
      }
      var values = v.split(",").filter(Boolean);
      if (values.length) st.facets[k] = values;
    });
    return st;
  }

  function queryString(st) {
    var parts = [];
    Object.keys(st.facets).forEach(function (k) {
      if (st.facets[k].length) parts.push(k + ":" + st.facets[k].join(","));
    });
    if (st.text) parts.push("text:" + encodeURIComponent(st.text));
    return parts.length ? "#q=" + parts.join("+") : "";
  }

  function setHash(h) {
    var url = location.href.split("#")[0] + h;
    try {
      history.replaceState(null, "", url);
    } catch (e) {
      if (h) location.hash = h;
    }
  }

  function makeFaceted(table) {
    var box = document.getElementById(table.id + "-filters");
    if (!box || !table.tBodies.length) return;
    var inUrl = table.hasAttribute("data-url-state");
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var keys = rows.map(function (r) {
      var set = {};
      (r.getAttribute("data-keys") || "").split(" ").forEach(function (k) {
        if (k) set[k] = true;
      });
      return set;
    });
    var text = rows.map(function (r) {
      return r.textContent.replace(/\s+/g, " ").toLowerCase();
    });
    var tools = document.createElement("div");
    tools.className = "table-tools faceted";
    var input = document.createElement("input");
    input.type = "search";
    input.placeholder = L.placeholder;
    input.setAttribute("aria-label", L.filter);
    input.id = table.id + "-filter";
    tools.appendChild(input);
    var selects = Array.prototype.slice.call(box.querySelectorAll("select[data-facet]"));
    selects.forEach(function (s) {
      tools.appendChild(s);
    });
    // On phones the drop-downs fold away behind a button.
    var toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "toggle";
    toggle.setAttribute("aria-expanded", "false");
    tools.insertBefore(toggle, selects[0] || null);
    toggle.addEventListener("click", function () {
      var open = !tools.classList.contains("open");
      tools.classList.toggle("open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
    var clear = document.createElement("button");
    clear.type = "button";
    clear.className = "clear";
    clear.textContent = L.clear;
    tools.appendChild(clear);
    var status = statusLine(tools);
    var shown = status.shown;
    var nomatch = status.nomatch;
    box.parentNode.replaceChild(tools, box);

    // Columns summed in the footer.
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    var totals = [];
    var countCell = null;
    if (table.tFoot) {
      Array.prototype.forEach.call(table.tFoot.querySelectorAll("[data-total]"), function (cell) {
        var name = cell.getAttribute("data-total");
        for (var c = 0; c < heads.length; c++) {
          if (heads[c].getAttribute("data-total") === name) totals.push({ cell: cell, col: c });
        }
      });
      countCell = table.tFoot.querySelector("[data-count]");
    }
    // Facets named in a query but without a drop-down still filter.
    var extra = {};

    function optionLabel(sel, v) {
      for (var i = 0; i < sel.options.length; i++) {
        if (sel.options[i].value === v) return sel.options[i].textContent;
      }
      return v;
    }

    function setSelect(sel, values) {
      var multi = sel.querySelector("option.multi");
      if (multi) multi.parentNode.removeChild(multi);
      if (!values || !values.length) {
        sel.value = "";
        return;
      }
      var joined = values.join(",");
      sel.value = joined;
      if (sel.value !== joined) {
        var o = document.createElement("option");
        o.className = "multi";
        o.value = joined;
        o.textContent = values
          .map(function (v) {
            return optionLabel(sel, v);
          })
          .join(", ");
        sel.insertBefore(o, sel.options[1] || null);
        sel.value = joined;
      }
    }

    function load(st) {
      extra = {};
      var byFacet = {};
      selects.forEach(function (s) {
        byFacet[s.getAttribute("data-facet")] = s;
      });
      Object.keys(st.facets).forEach(function (k) {
        if (!byFacet[k]) extra[k] = st.facets[k];
      });
      selects.forEach(function (s) {
        setSelect(s, st.facets[s.getAttribute("data-facet")]);
      });
      input.value = st.text || "";
    }

    function state() {
      var st = { facets: {}, text: input.value.trim() };
      Object.keys(extra).forEach(function (k) {
        st.facets[k] = extra[k];
      });
      selects.forEach(function (s) {
        if (s.value) st.facets[s.getAttribute("data-facet")] = s.value.split(",");
      });
      return st;
    }

    function apply() {
      var st = state();
      var words = st.text.toLowerCase().split(/\s+/).filter(Boolean);
      var wanted = Object.keys(st.facets).map(function (k) {
        return st.facets[k].map(function (v) {
          return k + ":" + v;
        });
      });
      var n = 0;
      var sums = totals.map(function () {
        return 0;
      });
      rows.forEach(function (row, i) {
        var ok = words.every(function (w) {
          return text[i].indexOf(w) !== -1;
        });
        for (var f = 0; ok && f < wanted.length; f++) {
          ok = wanted[f].some(function (k) {
            return keys[i][k] === true;
          });
        }
        row.hidden = !ok;
        if (ok) {
          n++;
          totals.forEach(function (t, j) {
            var cell = row.cells[t.col];
            // A closed deal shows no weighted amount but counts in the
            // total as the forecast counts it (`data-total-v`).
            sums[j] += cents(cell ? cell.getAttribute("data-total-v") || cell.getAttribute("data-sort") : "");
          });
        }
      });
      totals.forEach(function (t, j) {
        t.cell.textContent = money(sums[j]);
      });
      if (countCell) countCell.textContent = countCell.getAttribute("data-count").replace("{n}", group(n));
      shown.textContent = L.shown.replace("{shown}", String(n)).replace("{total}", String(rows.length));
      nomatch.hidden = n !== 0;
      var q = queryString(st);
      clear.disabled = q === "";
      var active = Object.keys(st.facets).length;
      toggle.textContent = L.filters + (active ? " (" + active + ")" : "");
      table.setAttribute("data-query", q);
      if (inUrl) {
        if (location.hash !== q && (q || /^#q=/.test(location.hash))) setHash(q);
        // The other pages of a split list keep the filter.
        Array.prototype.forEach.call(document.querySelectorAll(".pager a[href]"), function (a) {
          a.setAttribute("href", a.getAttribute("href").split("#")[0] + q);
        });
      }
    }

    input.addEventListener("input", apply);
    selects.forEach(function (s) {
      s.addEventListener("change", function () {
        var multi = s.querySelector("option.multi");
        if (multi && s.value !== multi.value) multi.parentNode.removeChild(multi);
        apply();
      });
    });
    clear.addEventListener("click", function () {
      load({ facets: {}, text: "" });
      apply();
      input.focus();
    });
    if (inUrl) {
      var st = parseQuery(location.hash);
      if (st) load(st);
      window.addEventListener("hashchange", function () {
        var s2 = parseQuery(location.hash);
        if (s2) {
          load(s2);
          apply();
        }
      });
    }
    apply();
  }

  /* ---- search across the site ----------------------------------------
   * The index (`search-index.js`, written at build time) is loaded as a
   * script the first time the box is used, so it works from file://. It
   * sets `window.dealbookSearch = {k: kind labels, r: rows}`; a row is
   * [kind, id, name, account position] (kinds: 0 deal, 1 account,
   * 2 contact, 3 person, 4 team; accounts come first, so a deal or
   * contact names its account by position). `/` focuses the box, arrows
   * move, Enter opens, Escape closes. */

  var root = body.getAttribute("data-root") || "";
  var search = document.getElementById("search");
  var MAX_RESULTS = 20;

  function href(row, rows) {
    var id = encodeURIComponent(row[1]);
    switch (row[0]) {
      case 0:
        return root + "deals/" + id + ".html";
      case 1:
        return root + "accounts/" + id + ".html";
      case 2:
        return row[3] == null ? "#" : root + "accounts/" + encodeURIComponent(rows[row[3]][1]) + ".html#contacts";
      case 3:
        return root + "people/" + id + ".html";
      default:
        return root + "teams/" + id + ".html";
    }
  }

  function makeSearch(box) {
    var input = box.querySelector("input");
    var list = box.querySelector("ul");
    var status = box.querySelector(".search-status");
    var index = null;
    var lower = null;
    var loading = false;
    var pending = false;
    var active = -1;
    var results = [];
    box.hidden = false;

    function ensureIndex() {
      if (index || loading) return;
      loading = true;
      status.textContent = L.searchLoading;
      var s = document.createElement("script");
      s.src = root + "search-index.js";
      s.addEventListener("load", function () {
        index = window.dealbookSearch || { k: [], r: [] };
        lower = index.r.map(function (r) {
          return [String(r[1]).toLowerCase(), String(r[2]).toLowerCase()];
        });
        status.textContent = "";
        if (pending) run();
      });
      s.addEventListener("error", function () {
        status.textContent = L.searchFailed;
      });
      document.head.appendChild(s);
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function mark(k) {
      var items = list.querySelectorAll("li[role=option]");
      if (!items.length) return;
      active = (k + items.length) % items.length;
      Array.prototype.forEach.call(items, function (li, i) {
        li.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }

    function run() {
      var q = input.value.trim().toLowerCase();
      if (!q) {
        list.textContent = "";
        close();
        return;
      }
      if (!index) {
        pending = true;
        ensureIndex();
        return;
      }
      pending = false;
      var hits = [];
      for (var i = 0; i < lower.length; i++) {
        var id = lower[i][0];
        var name = lower[i][1];
        var score;
        if (id === q || name === q) score = 0;
        else if (name.indexOf(q) === 0 || id.indexOf(q) === 0) score = 1;
        else if (name.indexOf(q) !== -1 || id.indexOf(q) !== -1) score = 2;
        else continue;
        hits.push([score, i]);
      }
      hits.sort(function (a, b) {
        return a[0] - b[0] || index.r[a[1]][0] - index.r[b[1]][0] || collator.compare(index.r[a[1]][2], index.r[b[1]][2]);
      });
      results = hits.slice(0, MAX_RESULTS).map(function (h) {
        return index.r[h[1]];
      });
      list.textContent = "";
      results.forEach(function (r, k) {
        var li = document.createElement("li");
        li.id = "search-result-" + k;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        var a = document.createElement("a");
        a.href = href(r, index.r);
        a.tabIndex = -1;
        var kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = index.k[r[0]];
        // <bdi>: a right-to-left name cannot reorder what is around it.
        var name = document.createElement("bdi");
        name.className = "name";
        name.textContent = r[2];
        a.appendChild(kind);
        a.appendChild(name);
        var sub = r[0] === 0 || r[0] === 2 ? (r[3] == null ? "" : index.r[r[3]][2]) : r[1];
        if (sub) {
          var s = document.createElement("bdi");
          s.className = "sub";
          s.textContent = sub;
          a.appendChild(s);
        }
        li.appendChild(a);
        list.appendChild(li);
      });
      if (!results.length) {
        var none = document.createElement("li");
        none.className = "none";
        none.textContent = L.searchNone;
        list.appendChild(none);
      } else if (hits.length > MAX_RESULTS) {
        var more = document.createElement("li");
        more.className = "none";
        more.textContent = L.searchMore.replace("{n}", group(hits.length - MAX_RESULTS));
        list.appendChild(more);
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
      if (results.length) mark(0);
    }

    input.addEventListener("focus", ensureIndex);
    input.addEventListener("input", run);
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") {
        e.preventDefault();
        if (list.hidden) run();
        else mark(active + 1);
      } else if (e.key === "ArrowUp") {
        e.preventDefault();
        mark(active - 1);
      } else if (e.key === "Enter") {
        var items = list.querySelectorAll("li[role=option] a");
        if (!list.hidden && items.length) {
          e.preventDefault();
          location.href = items[Math.max(active, 0)].href;
        }
      } else if (e.key === "Escape") {
        if (!list.hidden) close();
        else input.blur();
      }
    });
    input.addEventListener("blur", function () {
      // Leave time for a click on a result.
      setTimeout(close, 200);
    });
    document.addEventListener("keydown", function (e) {
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
      var t = e.target;
      var tag = t && t.tagName;
      if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (t && t.isContentEditable)) return;
      e.preventDefault();
      input.focus();
      input.select();
    });
  }

  if (search) makeSearch(search);
  Array.prototype.forEach.call(document.querySelectorAll("table[data-facets]"), makeFaceted);
  Array.prototype.forEach.call(document.querySelectorAll("table[data-filterable]"), makeFilterable);
  Array.prototype.forEach.call(document.querySelectorAll("table[data-sortable]"), makeSortable);
})();
