/// The style and the one inline script of report.html that the builders in
/// HTMLKit.swift are made for. The script only adds behaviour: sorting and
/// filtering `HTML.table`s, zoom and pan on `SVGMap`s; it reads everything
/// from the page (no data of its own, nothing fetched), and without it the
/// page shows the same tables and maps, unsorted and unzoomed.
extension HTML {
    /// CSS for tables, maps and legends, on screen and in print (A4: no
    /// scroll boxes or controls, a page per section, colours kept).
    public static let style = """
    .ztable{margin:6px 0 4px}
    .zctl{display:flex;gap:12px;align-items:center;margin:4px 0;font-size:12px;color:#555}
    .zctl[hidden],.mapctl[hidden]{display:none}
    .zctl input{font:inherit;font-size:13px;padding:3px 8px;border:1px solid #bbb;border-radius:4px;width:260px}
    .zn{color:#222;font-variant-numeric:tabular-nums;min-width:110px}
    th.sortable{cursor:pointer;user-select:none} th.sortable:hover{background:#e2e6ea}
    th[aria-sort=ascending]::after{content:" \\25B2";font-size:9px} th[aria-sort=descending]::after{content:" \\25BC";font-size:9px}
    tr.problem{background:#fff4f1} tr.problem td:first-child{box-shadow:inset 4px 0 0 #d7301f}
    td.flag{width:1%;padding-left:10px}
    .pill{display:inline-block;background:#d7301f;color:#fff;border-radius:9px;padding:0 7px;font-size:11px;line-height:16px;white-space:nowrap}
    figure.zmap{margin:0;position:relative}
    .mapctl{position:absolute;top:8px;left:8px;display:flex;gap:4px;align-items:center;font-size:12px}
    .mapctl button{font:inherit;font-size:16px;line-height:1;min-width:30px;height:28px;border:1px solid #aaa;background:#fff;border-radius:4px;cursor:pointer}
    .mapctl button[data-act=reset]{font-size:12px;padding:0 8px}
    .mapctl .note{background:rgba(255,255,255,.85);padding:2px 6px;border-radius:4px}
    svg.map{display:block} svg.map.live{touch-action:none;cursor:grab} svg.map.dragging{cursor:grabbing}
    svg.map path,svg.map circle.hint{vector-effect:non-scaling-stroke}
    .legend .lrow{margin:3px 0} .legend .kh{display:inline-block;min-width:190px;font-weight:600;margin-right:6px}
    .key i.ring{border:1.5px solid;border-radius:50%;background:none;box-sizing:border-box}
    @media print{
    @page{size:A4;margin:12mm 10mm}
    *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
    body{max-width:none;margin:0;padding:0}
    .zctl,.mapctl{display:none!important}
    .tablewrap{max-height:none!important;overflow:visible!important;border:none}
    th{position:static} thead{display:table-header-group} tr{break-inside:avoid}
    table{font-size:8pt} th,td{padding:2px 4px} td.long{white-space:normal;overflow-wrap:break-word;min-width:35mm}
    .pill{white-space:nowrap;font-size:7pt;line-height:12px;padding:0 5px}
    section.page{break-before:page} #warnings+section.page{break-before:auto} h2,h3{break-after:avoid}
    figure.zmap,svg.chart,.cards,.legend{break-inside:avoid}
    svg.map{width:auto;height:115mm;max-width:100%;margin:0 auto}
    a{color:inherit;text-decoration:none}
    }
    """

    /// The page's script, inline (`<script>…</script>`), to put at the end of the body.
    public static let script = "<script>\n" + scriptSource + "\n</script>"

    static let scriptSource = #"""
    (function () {
      "use strict";
      function each(list, f) { Array.prototype.forEach.call(list, f); }

      // Tables: a filter box ("n of m rows") and headings that sort:
      // ascending, descending, then the report's order again. Numbers sort
      // as numbers (any text among them after), "*" (a total) stays first
      // and empty cells last; ties keep their order.
      each(document.querySelectorAll("div.ztable"), function (box) {
        var table = box.querySelector("table.zt"), ctl = box.querySelector(".zctl");
        if (!table || !ctl || !table.tBodies.length) return;
        var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
        var input = ctl.querySelector("input.zf"), count = ctl.querySelector(".zn");
        var text = rows.map(function (r) {
          return Array.prototype.map.call(r.cells, function (c) { return c.textContent; }).join("\u0001").toLowerCase();
        });
        function filter() {
          var q = input.value.trim().toLowerCase(), n = 0;
          rows.forEach(function (r, i) {
            var on = !q || text[i].indexOf(q) >= 0;
            r.hidden = !on;
            if (on) n++;
          });
          count.textContent = n + " of " + rows.length + " rows";
        }
        input.addEventListener("input", filter);
        var heads = table.tHead.rows[0].cells, col = -1, dir = 0;
        each(heads, function (th, c) {
          th.tabIndex = 0;
          th.classList.add("sortable");
          function sort() {
            if (col !== c) { col = c; dir = 1; } else { dir = dir === 1 ? -1 : dir === -1 ? 0 : 1; }
            var numeric = th.classList.contains("num");
            var keyed = rows.map(function (r, i) {
              var s = r.cells[c] ? r.cells[c].textContent : "";
              var rank = s === "" ? 2 : s === "*" ? 0 : 1;
              var v = s;
              if (numeric && rank === 1) { v = parseFloat(s); if (isNaN(v)) { v = s; rank = 1.5; } }
              return { r: r, i: i, rank: rank, v: v };
            });
            if (dir !== 0) {
              keyed.sort(function (a, b) {
                if (a.rank !== b.rank) return a.rank - b.rank;
                if (a.v < b.v) return -dir;
                if (a.v > b.v) return dir;
                return a.i - b.i;
              });
            }
            var frag = document.createDocumentFragment();
            keyed.forEach(function (k) { frag.appendChild(k.r); });
            body.appendChild(frag);
            each(heads, function (h, j) {
              h.setAttribute("aria-sort", j === c && dir !== 0 ? (dir > 0 ? "ascending" : "descending") : "none");
            });
          }
          th.addEventListener("click", sort);
          th.addEventListener("keydown", function (e) {
            if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); }
          });
        });
        ctl.hidden = false;
        filter();
      });

      // Maps: zoom (wheel, double-click, + and -) and pan (drag) by moving
      // the viewBox within the whole map. Labels keep their size on screen
      // and appear once their feature is big enough (data-z); the rings
      // around tiny areas keep theirs and go once the area shows (data-hz).
      each(document.querySelectorAll("figure.zmap"), function (fig) {
        var svg = fig.querySelector("svg.map"), ctl = fig.querySelector(".mapctl");
        if (!svg || !ctl || !svg.viewBox || !svg.viewBox.baseVal) return;
        var W = svg.viewBox.baseVal.width, H = svg.viewBox.baseVal.height;
        if (!(W > 0 && H > 0)) return;
        var maxZ = parseFloat(svg.getAttribute("data-maxz")) || 64;
        var v = { x: 0, y: 0, w: W, h: H }, frame = 0, drag = null;
        var groups = svg.querySelectorAll("g.zs"), gated = svg.querySelectorAll("[data-z]");
        var hints = svg.querySelectorAll("circle.hint");
        var hintR = hints.length ? parseFloat(hints[0].getAttribute("r")) : 0;
        function apply() {
          if (frame) { window.cancelAnimationFrame(frame); frame = 0; }
          var z = W / v.w;
          svg.setAttribute("viewBox", [v.x, v.y, v.w, v.h].map(function (n) { return n.toFixed(3); }).join(" "));
          each(groups, function (g) {
            g.setAttribute("font-size", (parseFloat(g.getAttribute("data-fs")) / z).toFixed(4));
            g.setAttribute("stroke-width", (parseFloat(g.getAttribute("data-sw")) / z).toFixed(4));
          });
          each(gated, function (t) { t.setAttribute("display", z >= parseFloat(t.getAttribute("data-z")) ? "inline" : "none"); });
          each(hints, function (h) {
            h.setAttribute("display", z >= parseFloat(h.getAttribute("data-hz")) ? "none" : "inline");
            h.setAttribute("r", (hintR / z).toFixed(4));
          });
        }
        function later() { if (!frame) frame = window.requestAnimationFrame(apply); }
        function clamp() {
          v.w = Math.min(W, Math.max(W / maxZ, v.w));
          v.h = v.w * H / W;
          v.x = Math.min(W - v.w, Math.max(0, v.x));
          v.y = Math.min(H - v.h, Math.max(0, v.y));
        }
        function zoomAt(x, y, f) {
          var w = Math.min(W, Math.max(W / maxZ, v.w / f)), g = w / v.w;
          v.x = x - (x - v.x) * g;
          v.y = y - (y - v.y) * g;
          v.w = w;
          clamp();
          later();
        }
        function at(e) {
          var r = svg.getBoundingClientRect();
          return { x: v.x + (e.clientX - r.left) / r.width * v.w, y: v.y + (e.clientY - r.top) / r.height * v.h };
        }
        svg.addEventListener("wheel", function (e) {
          var p = at(e), d = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
          if (d > 0 && v.w >= W) return;  // nothing to zoom out of: let the page scroll on
          e.preventDefault();
          zoomAt(p.x, p.y, Math.exp(-d * 0.002));
        }, { passive: false });
        svg.addEventListener("dblclick", function (e) {
          var p = at(e);
          zoomAt(p.x, p.y, e.shiftKey ? 0.5 : 2);
          apply();
        });
        svg.addEventListener("pointerdown", function (e) {
          if (e.button !== 0) return;
          drag = { id: e.pointerId, cx: e.clientX, cy: e.clientY, x: v.x, y: v.y };
          try { svg.setPointerCapture(e.pointerId); } catch (err) { /* a pointer the browser no longer tracks */ }
          svg.classList.add("dragging");
        });
        svg.addEventListener("pointermove", function (e) {
          if (!drag || e.pointerId !== drag.id) return;
          var r = svg.getBoundingClientRect();
          v.x = drag.x - (e.clientX - drag.cx) / r.width * v.w;
          v.y = drag.y - (e.clientY - drag.cy) / r.height * v.h;
          clamp();
          later();
        });
        function end(e) {
          if (drag && e.pointerId === drag.id) { drag = null; svg.classList.remove("dragging"); }
        }
        svg.addEventListener("pointerup", end);
        svg.addEventListener("pointercancel", end);
        each(ctl.querySelectorAll("button"), function (b) {
          b.addEventListener("click", function () {
            var a = b.getAttribute("data-act");
            if (a === "reset") v = { x: 0, y: 0, w: W, h: H };
            else zoomAt(v.x + v.w / 2, v.y + v.h / 2, a === "in" ? 2 : 0.5);
            apply();
          });
        });
        svg.classList.add("live");
        ctl.hidden = false;
      });
    })();
    """#
}
