// bokeh-sweep dashboard, comparisons: the Pareto front of quality against cost as a Chart.js scatter
// (every configuration a point, the front drawn as the staircase it bounds, hover for name and values)
// and the settings' importance as bars with their 95% intervals as whiskers. dashboard.js calls
// bokehAnalysis.renderPareto(sweep) and bokehAnalysis.renderImportance(sweep) when the runs change.
var bokehAnalysis = (function () {
  "use strict";

  var charts = { pareto: null, importance: null };

  function reset(name, canvasId, emptyId, message) {
    if (charts[name]) { charts[name].destroy(); charts[name] = null; }
    var canvas = document.getElementById(canvasId);
    var empty = document.getElementById(emptyId);
    empty.hidden = !message;
    empty.textContent = message || "";
    canvas.parentNode.hidden = !!message;
    return canvas;
  }

  function number(v) { return Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4); }

  function renderPareto(sweep) {
    var p = sweep ? sweep.pareto : null;
    var canvas = reset("pareto", "pareto-canvas", "pareto-empty",
                       !p ? "No sweep." : p.error ? "No Pareto front yet: " + p.error : "");
    if (!p || p.error) return;
    var point = function (q) { return { x: q.x, y: q.y, c: q.c, name: q.name, n: q.n }; };
    var front = p.points.filter(function (q) { return q.front; }).map(point)
      .sort(function (a, b) { return a.x - b.x; });
    var dominated = p.points.filter(function (q) { return !q.front; }).map(point);
    var xs = p.points.map(function (q) { return q.x; });
    var logX = Math.min.apply(null, xs) > 0 && Math.max.apply(null, xs) / Math.min.apply(null, xs) > 20;
    // A third objective (multi-objective sweeps): each point coloured from blue (its lowest) to red (its
    // highest); the front is then of all three, so no staircase joins it in these two.
    var third = !!p.c_label, cs = p.points.map(function (q) { return q.c; });
    var cLow = Math.min.apply(null, cs), cHigh = Math.max.apply(null, cs);
    var colour = function (fallback) {
      return function (ctx) {
        if (!third || !ctx.raw) return fallback;
        var t = cHigh > cLow ? (ctx.raw.c - cLow) / (cHigh - cLow) : 0.5;
        return "rgb(" + Math.round(40 + 200 * t) + ",60," + Math.round(240 - 200 * t) + ")";
      };
    };
    var extra = function (r) { return third ? ", " + p.c_label + " " + number(r.c) : ""; };
    charts.pareto = new Chart(canvas.getContext("2d"), {
      type: "scatter",
      data: { datasets: [
        { label: "Pareto front", data: front, showLine: !third, stepped: "before", borderColor: "#d62728",
          backgroundColor: colour("#d62728"), pointRadius: 5, pointHoverRadius: 7, borderWidth: 1.5 },
        { label: "dominated", data: dominated, borderColor: "#7f7f7f",
          backgroundColor: colour("rgba(127,127,127,0.6)"), pointRadius: 4, pointHoverRadius: 6 }
      ] },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        scales: { x: { type: logX ? "logarithmic" : "linear", title: { display: true, text: p.x_label } },
                  y: { title: { display: true, text: p.y_label } } },
        plugins: {
          tooltip: { callbacks: { label: function (item) {
            var r = item.raw;
            return r.name + ": " + p.x_label + " " + number(r.x) + ", " + p.y_label + " " + number(r.y) + extra(r) +
                   (r.n > 1 ? " (mean of " + r.n + ")" : "") + (item.datasetIndex === 0 ? ", on the front" : "");
          } } }
        }
      }
    });
    canvas.setAttribute("data-front", front.length);
    canvas.setAttribute("data-points", p.points.length);
  }

  // Whiskers from each bar's interval low to high.
  var whiskers = {
    id: "bokehWhiskers",
    afterDatasetsDraw: function (chart) {
      var terms = chart.config.options.bokehTerms, ctx = chart.ctx;
      var x = chart.scales.x, y = chart.scales.y;
      ctx.save();
      ctx.strokeStyle = "#1d2330";
      ctx.lineWidth = 1.5;
      terms.forEach(function (t, i) {
        if (t.low === null || t.high === null) return;
        var yc = y.getPixelForValue(i), x0 = x.getPixelForValue(t.low), x1 = x.getPixelForValue(t.high);
        ctx.beginPath();
        ctx.moveTo(x0, yc); ctx.lineTo(x1, yc);
        ctx.moveTo(x0, yc - 5); ctx.lineTo(x0, yc + 5);
        ctx.moveTo(x1, yc - 5); ctx.lineTo(x1, yc + 5);
        ctx.stroke();
      });
      ctx.restore();
    }
  };

  function renderImportance(sweep) {
    var imp = sweep ? sweep.importance : null;
    var canvas = reset("importance", "importance-canvas", "importance-empty",
                       !imp ? "No sweep." : imp.error ? "No importance yet: " + imp.error : "");
    var constants = document.getElementById("importance-constants");
    constants.textContent = "";
    if (!imp || imp.error) return;
    if (imp.constants.length) constants.textContent = "Constant (varied by the spec, not by the finished runs): " +
                                                      imp.constants.join(", ");
    var terms = imp.terms;
    canvas.parentNode.style.height = Math.max(160, 34 * terms.length + 70) + "px";
    charts.importance = new Chart(canvas.getContext("2d"), {
      type: "bar",
      data: { labels: terms.map(function (t) { return t.label; }),
              datasets: [{ label: "share of variance", data: terms.map(function (t) { return t.share; }),
                           backgroundColor: terms.map(function (t) {
                             return t.label.indexOf(" × ") >= 0 ? "#9ab7e8" : "#3b7ddd"; }) }] },
      plugins: [whiskers],
      options: {
        indexAxis: "y", animation: false, responsive: true, maintainAspectRatio: false, bokehTerms: terms,
        scales: { x: { min: 0, max: 1, title: { display: true,
                    text: "share of the variance of " + imp.y_label + (imp.exact ? " (exact ANOVA)" : " (fANOVA)") } } },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: function (item) {
            var t = terms[item.dataIndex];
            return t.share.toFixed(3) + (t.low !== null ? " (95% interval " + t.low.toFixed(3) + " to " +
                                          t.high.toFixed(3) + ")" : "");
          } } }
        }
      }
    });
    canvas.setAttribute("data-terms", terms.length);
  }

  return { renderPareto: renderPareto, renderImportance: renderImportance };
})();
