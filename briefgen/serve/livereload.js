// briefgen serve: live reload and the error overlay. Served by the local server only (never in site/).
// Long-polls /.briefgen/state: reloads the page when it was rebuilt, shows the current content errors
// over the last good page. Diagnostics contain user content: they are only ever set as textContent.
(function () {
  "use strict";
  var me = document.currentScript;
  var version = parseInt((me && me.getAttribute("data-version")) || "-1", 10);
  var path = location.pathname;
  var BOX = "briefgen-errors";
  var shown = "[]";

  function el(tag, style, text) {
    var e = document.createElement(tag);
    if (style) e.setAttribute("style", style);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function render(errors) {
    var old = document.getElementById(BOX);
    if (old) old.remove();
    if (!errors || !errors.length) return;
    var box = el("div", "position:fixed;z-index:10000;top:0;left:0;right:0;max-height:60vh;overflow:auto;" +
      "background:#fff4f2;color:#3b0d05;border-bottom:3px solid #b3261e;box-shadow:0 4px 16px rgba(0,0,0,.25);" +
      "font:14px/1.45 system-ui,sans-serif;padding:.7em 1em;");
    box.id = BOX;
    box.setAttribute("role", "alert");
    var head = el("div", "display:flex;justify-content:space-between;align-items:baseline;gap:1em;");
    var n = errors.length;
    head.appendChild(el("strong", "", "briefgen: " + n + " problem" + (n === 1 ? "" : "s") +
      " \u2014 the page shows the last good build. Fix the file and save."));
    var close = el("button", "border:0;background:none;font-size:20px;cursor:pointer;color:inherit;", "\u00d7");
    close.setAttribute("aria-label", "Hide until the next change");
    close.onclick = function () { box.remove(); };
    head.appendChild(close);
    box.appendChild(head);
    errors.slice(0, 50).forEach(function (d) {
      box.appendChild(el("pre", "margin:.5em 0 0;white-space:pre-wrap;font:13px/1.4 ui-monospace,monospace;" +
        "background:none;color:inherit;", d.text));
    });
    if (n > 50) box.appendChild(el("p", "margin:.5em 0 0;", "\u2026 and " + (n - 50) + " more in the terminal."));
    (document.body || document.documentElement).appendChild(box);
  }

  // Swap the rebuilt page's content in place (faster than a reload, keeps the scroll position) when the server
  // says only pages were rewritten: the navigation, the theme and the page's scripts and styles are then what
  // this page already has (anything else changes the site's structure and is a full build, and a full reload
  // here). The live navigation cannot be compared with the new page's: Material's script has changed it.
  // Material's components are then mounted again on the new content (see below).
  var SWAP = [".md-content", ".md-sidebar--secondary"];
  function refresh() {
    return fetch(location.href, { cache: "no-store" }).then(function (r) {
      if (!r.ok) throw new Error("status " + r.status);
      return r.text();
    }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var pairs = SWAP.map(function (sel) { return [document.querySelector(sel), doc.querySelector(sel)]; });
      if (pairs.some(function (p) { return !p[0] || !p[1]; })) throw new Error("layout");
      pairs.forEach(function (p) { p[0].replaceWith(document.importNode(p[1], true)); });
      document.title = doc.title;
      // Material mounts its page components (the table of contents that follows scrolling, the header title,
      // code copy buttons, search highlighting) on the elements present when its document$ emits; they would
      // stay bound to the content just removed. Emitting the document again remounts them on the new content,
      // as Material's own instant navigation does after it replaces a page.
      var document$ = window.document$;
      if (document$ && typeof document$.next === "function") document$.next(document);
    });
  }

  function poll(wait) {
    var url = "/.briefgen/state?v=" + version + "&path=" + encodeURIComponent(path) + "&wait=" + (wait ? 1 : 0);
    fetch(url, { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (s) {
      if (s.reload && !s.swap) {
        location.reload();
        return;
      }
      if (s.reload) {
        refresh().then(function () {
          version = s.version;
          var key = JSON.stringify(s.errors || []);
          if (key !== shown) { shown = key; render(s.errors); }
          poll(true);
        }).catch(function () { location.reload(); });
        return;
      }
      version = s.version;
      var key = JSON.stringify(s.errors || []);
      if (key !== shown) { shown = key; render(s.errors); }
      poll(true);
    }).catch(function () { setTimeout(function () { poll(true); }, 1000); });
  }

  poll(false);
})();
