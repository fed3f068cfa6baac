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
  var root = body.getAttribute("data-root") || "";
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
    searchMore: body.getAttribute("data-l-search-more") || "+{n}",
    rowsDrawn: body.getAttribute("data-l-rows-drawn") || "{n} / {total}",
    rowsLoading: body.getAttribute("data-l-rows-loading") || "…",
    rowsFailed: body.getAttribute("data-l-rows-failed") || ""
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

  /* ---- every row of a list split into pages --------------------------
   * A list longer than a page names in `data-rows` a script written at
   * build time with the rows of all its pages (`rows/deals.js`…, see
   * src/site/views/rows.rs): `window.dealbookRows[<table id>] = {kind, l,
   * t, r}`, each row an array in the list's order whose shared values
   * (links, badges, and its filter keys: a few space-separated strings of
   * `facet:value`) are positions in `t`. It is loaded the
   * first time a filter is set on the list; the matching rows of all pages
   * are then drawn (the first DRAW_MAX of them) with the markup of the
   * built-in templates, and the totals count every match. */

  var DRAW_MAX = 1000;
  var rowSets = {};

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null && text !== "") e.textContent = text;
    return e;
  }

  function cell(tr, cls, label, sort) {
    var td = el("td", cls);
    if (label) td.setAttribute("data-label", label);
    if (sort != null) td.setAttribute("data-sort", String(sort));
    tr.appendChild(td);
    return td;
  }

  /* A link as the `link` component writes it: [text, href or null]. */
  function linkTo(parent, l) {
    if (l[1]) {
      var a = el("a", "", l[0]);
      a.href = root + l[1];
      parent.appendChild(a);
    } else {
      parent.appendChild(document.createTextNode(l[0]));
    }
  }

  /* A badge as the `tag` component writes it: [code, text, title]. */
  function tagOf(parent, g, kind) {
    var s = el("span", "tag " + kind + "-" + g[0], g[1]);
    if (g[2]) s.title = g[2];
    parent.appendChild(s);
    return s;
  }

  function text(parent, s) {
    parent.appendChild(document.createTextNode(s));
  }

  function sub(parent, s) {
    if (s) parent.appendChild(el("span", "sub", s));
  }

  function dec(c) {
    return c == null ? "" : (c / 100).toFixed(2);
  }

  function orNone(v, d) {
    return v === "" || v == null ? d.l.none : String(v);
  }

  /* The shapes of rows: where their filter keys are, their text for the
   * search box, the amounts the footer sums (cents), and how to draw them
   * (`lab`: the column heads, for the phone cards' labels). */
  var KINDS = {
    deals: {
      keys: 18,
      text: function (r, d) {
        var t = d.t;
        var status = t[r[2]];
        var cat = t[r[6]];
        return [
          r[1],
          status[0] === "open" ? "" : status[1],
          t[r[3]][0],
          t[r[4]][0],
          t[r[5]][0],
          cat[1],
          r[14] ? d.l.at_risk : "",
          money(r[7]),
          r[8],
          r[10] == null ? "" : money(r[10]),
          r[9],
          orNone(r[12], d),
          r[15]
            .map(function (k) {
              return t[k][1];
            })
            .join(" "),
          r[16],
          r[17] ? d.l.next_step_date + " " + r[17] : ""
        ].join(" ");
      },
      totals: {
        amount: function (r) {
          return r[7];
        },
        // A closed deal counts as the forecast counts it (won: in full).
        weighted: function (r) {
          return r[10] != null ? r[10] : r[11] || 0;
        }
      },
      draw: function (r, d, lab) {
        var t = d.t;
        var status = t[r[2]];
        var cat = t[r[6]];
        var tr = el("tr", "status-" + status[0] + (r[14] ? " flagged" : ""));
        var main = cell(tr, "c-main", "", r[1]);
        linkTo(main, [r[1], d.l.deal_href.replace("{id}", r[0])]);
        if (status[0] !== "open") {
          text(main, " ");
          tagOf(main, status, "status");
        }
        var acc = el("span", "sub");
        linkTo(acc, t[r[3]]);
        main.appendChild(acc);
        linkTo(cell(tr, "c-owner", lab[1]), t[r[4]]);
        cell(tr, "c-stage", lab[2], t[r[5]][1]).textContent = t[r[5]][0];
        var c = cell(tr, "c-cat", lab[3], cat[0]);
        var ct = tagOf(c, cat, "cat");
        if (cat[3]) {
          text(ct, " ");
          var o = el("span", "ovr", "✎");
          o.setAttribute("aria-hidden", "true");
          ct.appendChild(o);
          c.appendChild(el("span", "vh", " (" + cat[2] + ")"));
        }
        if (r[14]) {
          text(c, " ");
          tagOf(c, ["", "⚠ " + d.l.at_risk, d.l.commit_at_risk_desc], "flag").className = "tag flag";
        }
        var am = cell(tr, "num c-amount", lab[4], dec(r[7]));
        text(am, money(r[7]));
        sub(am, r[8]);
        var w = cell(tr, "num c-weighted", lab[5], dec(r[10]));
        if (r[11] != null) w.setAttribute("data-total-v", dec(r[11]));
        text(w, r[10] == null ? "" : money(r[10]));
        w.appendChild(el("span", "sub", r[9]));
        var late = r[13] === 1;
        var cl = cell(tr, "num c-close" + (late ? " late" : ""), lab[6], r[12]);
        if (late) cl.title = d.l.close_passed;
        cl.textContent = orNone(r[12], d);
        var rk = cell(tr, "c-risks", lab[7], r[15].length);
        r[15].forEach(function (k) {
          tagOf(rk, t[k], "risk");
          text(rk, " ");
        });
        var nx = cell(tr, "c-next", lab[8]);
        if (r[16]) nx.title = r[16];
        nx.appendChild(el("span", "trunc", r[16]));
        if (r[17]) sub(nx, d.l.next_step_date + " " + r[17]);
        return tr;
      }
    },
    accounts: {
      keys: 14,
      text: function (r, d) {
        var t = d.t;
        return [
          r[0],
          t[r[2]][1],
          t[r[3]],
          t[r[5]][0],
          orNone(r[6], d),
          r[7] === "" ? "" : d.l.days_ago.replace("{n}", r[7]),
          orNone(r[8], d),
          t[r[9]][1],
          r[10] === "" ? d.l.none : r[10] + "/10",
          t[r[11]],
          money(r[12]),
          money(r[13])
        ].join(" ");
      },
      totals: {
        won: function (r) {
          return r[12];
        },
        open: function (r) {
          return r[13];
        }
      },
      draw: function (r, d, lab) {
        var t = d.t;
        var tr = el("tr");
        linkTo(cell(tr, "c-main", "", r[0]), [r[0], d.l.account_href.replace("{id}", r[1])]);
        tagOf(cell(tr, "c-tier", lab[1], r[3]), t[r[2]], "tier");
        cell(tr, "c-opt").textContent = t[r[4]];
        linkTo(cell(tr, "", lab[3]), t[r[5]]);
        var lt = cell(tr, "num", lab[4], r[6]);
        text(lt, orNone(r[6], d));
        if (r[7] !== "") sub(lt, d.l.days_ago.replace("{n}", r[7]));
        cell(tr, "num", lab[5], r[8]).textContent = orNone(r[8], d);
        tagOf(cell(tr, "", lab[6], t[r[9]][0]), t[r[9]], "fu");
        var sat = cell(tr, "num", lab[7], r[10]);
        text(sat, r[10] === "" ? d.l.none : r[10] + "/10");
        if (t[r[11]]) {
          text(sat, " ");
          sat.appendChild(el("span", "trend", t[r[11]]));
        }
        cell(tr, "num", lab[8], dec(r[12])).textContent = money(r[12]);
        cell(tr, "num", lab[9], dec(r[13])).textContent = money(r[13]);
        return tr;
      }
    },
    risks: {
      keys: 9,
      text: function (r, d) {
        var t = d.t;
        return [r[0], t[r[2]][0], t[r[3]][0], t[r[4]], t[r[5]][1], money(r[6]), orNone(r[7], d), r[8]].join(" ");
      },
      totals: {},
      draw: function (r, d, lab) {
        var t = d.t;
        var tr = el("tr");
        var main = cell(tr, "c-main", "", r[0]);
        linkTo(main, [r[0], d.l.deal_href.replace("{id}", r[1])]);
        var acc = el("span", "sub");
        linkTo(acc, t[r[2]]);
        main.appendChild(acc);
        linkTo(cell(tr, "", lab[1]), t[r[3]]);
        cell(tr, "", lab[2]).textContent = t[r[4]];
        tagOf(cell(tr, "", lab[3], t[r[5]][0]), t[r[5]], "cat");
        cell(tr, "num", lab[4], dec(r[6])).textContent = money(r[6]);
        cell(tr, "num", lab[5], r[7]).textContent = orNone(r[7], d);
        cell(tr, "reason c-wide", lab[6]).textContent = r[8];
        return tr;
      }
    }
  };

  /* Loads the rows of `src` (once) and calls `done` with {state, data}. */
  function loadRows(src, id, done) {
    var e = rowSets[src];
    if (e) {
      if (e.state === "loading") e.waiting.push(done);
      else done(e);
      return;
    }
    e = rowSets[src] = { state: "loading", data: null, waiting: [done] };
    function settle() {
      var d = window.dealbookRows && window.dealbookRows[id];
      if (d && KINDS[d.kind]) {
        d.text = [];
        e.state = "ready";
        e.data = d;
      } else {
        e.state = "failed";
      }
      e.waiting.forEach(function (f) {
        f(e);
      });
      e.waiting = [];
    }
    var s = document.createElement("script");
    s.src = root + src;
    s.addEventListener("load", settle);
    s.addEventListener("error", settle);
    document.head.appendChild(s);
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
    // A list split into pages: a filter looks through the rows of all
    // pages (`data-rows`), drawn in place of the page's own.
    var src = table.getAttribute("data-rows");
    var tbody = table.tBodies[0];
    var drawnAll = false;
    var waiting = false;
    var pagers = Array.prototype.slice.call(document.querySelectorAll(".pager"));
    var drawn = el("p", "drawn");
    drawn.setAttribute("aria-live", "polite");
    drawn.hidden = true;
    tools.appendChild(drawn);
    box.parentNode.replaceChild(tools, box);

    // Columns summed in the footer.
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    // The column heads, before the sort buttons: the phone cards' labels.
    var lab = Array.prototype.map.call(heads, function (th) {
      return th.textContent.trim();
    });
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

    /* The built rows back, in their order, and the pagers. */
    function restorePage() {
      if (!drawnAll) return;
      tbody.textContent = "";
      rows.forEach(function (r) {
        tbody.appendChild(r);
      });
      drawnAll = false;
      pagers.forEach(function (p) {
        p.hidden = false;
      });
      unsort();
    }

    /* Rows drawn anew are in the list's order: no column is sorted. */
    function unsort() {
      Array.prototype.forEach.call(heads, function (th) {
        th.removeAttribute("aria-sort");
        var a = th.querySelector(".arrow");
        if (a) a.textContent = "↕";
      });
    }

    /* Filters every row of the list (`d`, loaded) and draws the first
     * DRAW_MAX matches; returns the count and the footer's sums. */
    function applyAll(d, words, wanted) {
      var kind = KINDS[d.kind];
      // Whether a shared string of keys holds one of a facet's values,
      // found once per string.
      var hits = wanted.map(function () {
        return {};
      });
      function holds(f, g) {
        var h = hits[f][g];
        if (h === undefined) {
          var ks = " " + d.t[g] + " ";
          h = wanted[f].some(function (k) {
            return ks.indexOf(" " + k + " ") !== -1;
          });
          hits[f][g] = h;
        }
        return h;
      }
      var sums = totals.map(function () {
        return 0;
      });
      var sumOf = totals.map(function (t) {
        return kind.totals[t.cell.getAttribute("data-total")];
      });
      var frag = document.createDocumentFragment();
      var n = 0;
      d.r.forEach(function (r, i) {
        var keys = r[kind.keys];
        for (var f = 0; f < wanted.length; f++) {
          var hit = false;
          for (var j = 0; j < keys.length && !hit; j++) hit = holds(f, keys[j]);
          if (!hit) return;
        }
        if (words.length) {
          if (d.text[i] === undefined) d.text[i] = kind.text(r, d).replace(/\s+/g, " ").toLowerCase();
          for (var w = 0; w < words.length; w++) if (d.text[i].indexOf(words[w]) === -1) return;
        }
        n++;
        sumOf.forEach(function (fn, j) {
          if (fn) sums[j] += fn(r) || 0;
        });
        if (n <= DRAW_MAX) frag.appendChild(kind.draw(r, d, lab));
      });
      tbody.textContent = "";
      tbody.appendChild(frag);
      drawnAll = true;
      pagers.forEach(function (p) {
        p.hidden = true;
      });
      unsort();
      return { n: n, sums: sums };
    }

    function apply() {
      var st = state();
      var words = st.text.toLowerCase().split(/\s+/).filter(Boolean);
      var wanted = Object.keys(st.facets).map(function (k) {
        return st.facets[k].map(function (v) {
          return k + ":" + v;
        });
      });
      var q = queryString(st);
      var set = src ? rowSets[src] : null;
      drawn.hidden = true;
      if (src && q) {
        if (set && set.state === "ready") {
          var all = applyAll(set.data, words, wanted);
          if (all.n > DRAW_MAX) {
            drawn.textContent = L.rowsDrawn.replace("{n}", group(DRAW_MAX)).replace("{total}", group(all.n));
            drawn.hidden = false;
          }
          finish(st, q, all.n, set.data.r.length, all.sums);
          return;
        }
        if (!set || set.state === "loading") {
          drawn.textContent = L.rowsLoading;
          drawn.hidden = false;
          if (!waiting) {
            waiting = true;
            loadRows(src, table.id, function () {
              waiting = false;
              apply();
            });
          }
        } else {
          drawn.textContent = L.rowsFailed;
          drawn.hidden = false;
        }
      }
      restorePage();
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
      finish(st, q, n, rows.length, sums);
    }

    /* The footer, the counts, the buttons and the URL for `n` rows
     * matching of `total`. */
    function finish(st, q, n, total, sums) {
      totals.forEach(function (t, j) {
        t.cell.textContent = money(sums[j]);
      });
      if (countCell) countCell.textContent = countCell.getAttribute("data-count").replace("{n}", group(n));
      shown.textContent = L.shown.replace("{shown}", group(n)).replace("{total}", group(total));
      nomatch.hidden = n !== 0;
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
