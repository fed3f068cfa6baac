// dealbook serve: live reload and the error overlay. Injected into every
// HTML page by the preview server (never part of a built site).
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || !window.EventSource) return;
  var pageBuild = Number(me.getAttribute("data-build") || "0");
  // The event stream sits next to this script, so the site may be served
  // under any sub-path.
  var url = new URL("events", me.src);

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function place(p) {
    if (!p.line) return p.file;
    return p.column ? p.file + ":" + p.line + ":" + p.column : p.file + ":" + p.line;
  }

  function removeOverlay() {
    var old = document.getElementById("dealbook-overlay");
    if (old) old.parentNode.removeChild(old);
  }

  function showOverlay(s) {
    removeOverlay();
    var root = el("div");
    root.id = "dealbook-overlay";
    root.setAttribute("role", "alert");
    var box = el("div", "dbo-box");
    var head = el("div", "dbo-head");
    head.appendChild(el("strong", null, "dealbook: the build failed"));
    head.appendChild(document.createTextNode(" "));
    head.appendChild(el("span", "dbo-sum", s.summary || ""));
    var close = el("button", "dbo-close", "\u00d7");
    close.type = "button";
    close.setAttribute("aria-label", "hide");
    head.appendChild(close);
    box.appendChild(head);
    box.appendChild(el("p", "dbo-note", s.build
      ? "You are looking at the last good build. This goes away once the errors are fixed."
      : "There is no good build yet. This goes away once the errors are fixed."));
    var list = el("ol");
    (s.problems || []).forEach(function (p) {
      var li = el("li", "dbo-" + p.severity);
      var line = el("div");
      line.appendChild(el("span", "dbo-at", place(p)));
      line.appendChild(document.createTextNode(" "));
      line.appendChild(el("span", "dbo-code", p.severity + "[" + p.code + "]"));
      line.appendChild(document.createTextNode(" "));
      line.appendChild(el("span", "dbo-msg", p.message));
      li.appendChild(line);
      if (p.source_line != null) li.appendChild(el("pre", null, p.source_line));
      if (p.hint) li.appendChild(el("div", "dbo-hint", p.hint));
      list.appendChild(li);
    });
    box.appendChild(list);
    if (s.more) {
      box.appendChild(el("p", "dbo-more", "\u2026 and " + s.more + " more " +
        (s.more === 1 ? "problem" : "problems") + ": run dealbook check to see them all."));
    }
    root.appendChild(box);
    document.body.appendChild(root);
  }

  // The overlay the server drew can be hidden too.
  document.addEventListener("click", function (e) {
    var t = e.target;
    if (t && t.classList && t.classList.contains("dbo-close")) {
      var o = document.getElementById("dealbook-overlay");
      if (o) o.style.display = "none";
    }
  });

  function handle(e) {
    var s;
    try { s = JSON.parse(e.data); } catch (err) { return; }
    if (s.build !== pageBuild) {
      // The site on disk moved on since this page was served.
      location.reload();
      return;
    }
    if (s.ok) removeOverlay(); else showOverlay(s);
  }

  var source = new EventSource(url.href);
  source.addEventListener("status", handle);
  source.addEventListener("reload", handle);
  source.addEventListener("problems", handle);
  window.addEventListener("pagehide", function () { source.close(); });
})();
