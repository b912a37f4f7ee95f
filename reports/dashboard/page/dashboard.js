// bokeh-sweep dashboard: draws the snapshot in #bokeh-data (status, the study's tables, loss curves with
// Chart.js, parallel coordinates with d3 v3, the Pareto front and importance (analysis.js), sample
// images, spec) and, when served (BOKEH_LIVE), polls
// data.json and redraws what changed. Everything written into the page from the data goes through
// textContent or attributes, never HTML.
(function () {
  "use strict";

  var POLL_MS = 3000;
  var PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
                 "#bcbd22", "#7f7f7f"];

  var data = readJson("bokeh-data");
  var samples = readJson("bokeh-samples");
  var software = readJson("bokeh-software");
  var state = { sweep: null, sort: {}, hidden: {}, brushes: {}, chart: null, drawnKey: null };

  function readJson(id) { return JSON.parse(document.getElementById(id).textContent); }

  // el("td", {cls: "num", text: "1.5"}, [children]): an element with classes, text, attributes.
  function el(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (key) {
      if (key === "cls") { if (props[key]) node.className = props[key]; }
      else if (key === "text") node.textContent = props[key];
      else node.setAttribute(key, props[key]);
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function clear(id) {
    var node = document.getElementById(id);
    node.textContent = "";
    return node;
  }

  function currentSweep() {
    var sweeps = data.sweeps;
    for (var i = 0; i < sweeps.length; ++i) if (sweeps[i].name === state.sweep) return sweeps[i];
    return sweeps.length ? sweeps[sweeps.length - 1] : null;
  }

  function formatTime(unixSeconds) { return new Date(unixSeconds * 1000).toLocaleString(); }

  // --- tables that sort by column -----------------------------------------------------------------

  // columns: [{header, numeric}]; rows: [[{text, value}]] where value is what the cell sorts by
  // (null: missing, sorts last). The sort order is kept per `id` across redraws.
  function sortableTable(id, columns, rows) {
    var sort = state.sort[id];
    var order = rows.map(function (row, i) { return i; });
    if (sort) {
      order.sort(function (a, b) {
        var x = rows[a][sort.column].value, y = rows[b][sort.column].value;
        if (x === null || y === null) return x === y ? a - b : (x === null ? 1 : -1);
        var c = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
        return (c === 0 ? a - b : c * sort.direction);
      });
    }
    var head = el("tr", {}, columns.map(function (column, c) {
      var cls = (column.numeric ? "num" : "") +
                (sort && sort.column === c ? (sort.direction > 0 ? " sorted-asc" : " sorted-desc") : "");
      var th = el("th", { cls: cls, text: column.header, title: "sort by " + column.header });
      th.addEventListener("click", function () {
        var same = state.sort[id] && state.sort[id].column === c;
        state.sort[id] = { column: c, direction: same ? -state.sort[id].direction : 1 };
        var table = sortableTable(id, columns, rows);
        var old = document.querySelector('table[data-table="' + id + '"]');
        old.parentNode.replaceChild(table, old);
      });
      return th;
    }));
    var body = order.map(function (i) {
      return el("tr", {}, rows[i].map(function (cell, c) {
        return cell.node ? el("td", { cls: columns[c].numeric ? "num" : "" }, [cell.node])
                         : el("td", { cls: columns[c].numeric ? "num" : "", text: cell.text });
      }));
    });
    return el("table", { "data-table": id }, [el("thead", {}, [head]), el("tbody", {}, body)]);
  }

  function textCell(text, value) { return { text: text, value: value === undefined ? text : value }; }

  // --- sections -------------------------------------------------------------------------------------

  function renderHeader(sweep) {
    document.getElementById("sweep-title").textContent = sweep ? "— sweep " + sweep.name : "— no sweep yet";
    var picker = document.getElementById("sweep-picker");
    var select = document.getElementById("sweep-select");
    picker.hidden = data.sweeps.length < 2;
    select.textContent = "";
    data.sweeps.forEach(function (s) {
      var option = el("option", { value: s.name, text: s.name });
      if (sweep && s.name === sweep.name) option.selected = true;
      select.appendChild(option);
    });
    var generated = document.getElementById("generated");
    generated.textContent = (BOKEH_LIVE ? "updated " : "snapshot of ") + formatTime(data.generated) + " from " +
                            data.database;
    generated.className = BOKEH_LIVE ? "live" : "";
  }

  function renderStatus(sweep) {
    var box = clear("status-body");
    if (!sweep) {
      box.appendChild(el("p", { cls: "note", text: data.waiting ? data.waiting.charAt(0).toUpperCase() + data.waiting.slice(1)
                                                               : "The database holds no sweep yet." }));
      return;
    }
    var status = sweep.status;
    box.appendChild(el("div", { cls: "counts" }, ["done", "running", "pending", "failed", "stopped"].filter(function (s) {
      return s !== "stopped" || status.counts[s] > 0;  // stopped early: only sweeps with early stopping
    }).map(function (s) {
      return el("span", { cls: "state-" + s, text: status.counts[s] + " " + s });
    }).concat([el("span", { text: status.total + " runs" })])));
    var line = status.elapsed ? "Elapsed: " + status.elapsed : "Not started yet.";
    if (!status.open) line += status.total ? "; finished." : "";
    else if (status.stale) line += "; " + status.stale;
    else if (status.eta) line += "; ETA: about " + status.eta + " (remaining estimated FLOPs at the done runs' rate).";
    else line += "; ETA: unknown until a run finishes.";
    box.appendChild(el("p", { text: line }));

    var columns = [{ header: "Run" }, { header: "State" }, { header: "Attempts", numeric: true },
                   { header: "Progress" }, { header: "Best val loss", numeric: true }];
    var rows = sweep.runs.map(function (run) {
      var planned = Math.max(run.epochs_planned, 1);
      var bar = el("span", { cls: "bar" }, [el("span", { style: "width:" +
        Math.min(100, 100 * run.epochs_done / planned).toFixed(1) + "%" })]);
      var progress = el("span", {}, [bar, "epoch " + run.epochs_done + " of " + run.epochs_planned]);
      return [textCell(run.name), textCell(run.state), textCell(String(run.attempts), run.attempts),
              { node: progress, value: run.epochs_done / planned },
              textCell(run.best_val_loss === null ? "–" : run.best_val_loss.toFixed(4), run.best_val_loss)];
    });
    box.appendChild(sortableTable("status", columns, rows));
    var failures = sweep.runs.filter(function (run) { return run.error; });
    if (failures.length) {
      box.appendChild(el("h3", { text: "Failures (last error of each run)" }));
      box.appendChild(el("ul", { cls: "failures" }, failures.map(function (run) {
        return el("li", {}, [run.name + " (" + run.state + ", attempt " + run.attempts + "): ",
                             el("code", { text: run.error })]);
      })));
    }
  }

  function renderTables(sweep) {
    var box = clear("tables-body");
    if (!sweep) return;
    sweep.tables.forEach(function (entry) {
      box.appendChild(el("h3", { text: "Table " + entry.number + (entry.listed ? "" : " (not listed in the spec)") }));
      if (entry.error) { box.appendChild(el("p", { cls: "error", text: entry.error })); return; }
      var table = entry.table;
      box.appendChild(el("p", { cls: "note", text: table.title }));
      var columns = table.columns.map(function (c) { return { header: c.header, numeric: c.numeric }; });
      var t = sortableTable("table" + entry.number, columns, table.rows);
      t.setAttribute("data-study-table", entry.number);
      box.appendChild(t);
      if (table.notes.length) {
        box.appendChild(el("ul", { cls: "note" }, table.notes.map(function (n) { return el("li", { text: n }); })));
      }
    });
  }

  // Dotted vertical lines at each visible run's learning-rate drops, in the run's colour.
  var lrDropPlugin = {
    id: "lrDrops",
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx, area = chart.chartArea, x = chart.scales.x;
      chart.data.datasets.forEach(function (dataset, i) {
        if (dataset.kind !== "val" || !chart.isDatasetVisible(i)) return;
        ctx.save();
        ctx.strokeStyle = dataset.borderColor;
        ctx.setLineDash([2, 3]);
        dataset.lrDrops.forEach(function (epoch) {
          var px = x.getPixelForValue(epoch);
          ctx.beginPath();
          ctx.moveTo(px, area.top);
          ctx.lineTo(px, area.bottom);
          ctx.stroke();
        });
        ctx.restore();
      });
    }
  };

  function renderCurves(sweep) {
    var toggles = clear("curve-toggles");
    var canvas = document.getElementById("curve-canvas");
    var empty = document.getElementById("curves-empty");
    if (state.chart) { state.chart.destroy(); state.chart = null; }
    var runs = sweep ? sweep.runs.filter(function (run) { return run.curve.epoch.length > 0; }) : [];
    empty.hidden = runs.length > 0;
    empty.textContent = "No run has recorded an epoch yet.";
    canvas.parentNode.hidden = runs.length === 0;
    canvas.setAttribute("data-runs", runs.length);
    if (!runs.length) return;
    var datasets = [];
    runs.forEach(function (run, r) {
      var color = PALETTE[r % PALETTE.length];
      var hidden = !!state.hidden[sweep.name + "/" + run.name];
      ["val", "train"].forEach(function (kind) {
        datasets.push({
          label: run.name + (kind === "val" ? " validation" : " training"), kind: kind, run: run.name,
          lrDrops: run.curve.lr_drops, lr: run.curve.lr, hidden: hidden,
          data: run.curve.epoch.map(function (e, i) { return { x: e, y: run.curve[kind][i] }; }),
          borderColor: color, backgroundColor: color, borderWidth: kind === "val" ? 2 : 1.5,
          borderDash: kind === "val" ? [] : [6, 4], pointRadius: 2.5, tension: 0
        });
      });
      var box = el("input", { type: "checkbox" });
      box.checked = !hidden;
      box.addEventListener("change", function () {
        state.hidden[sweep.name + "/" + run.name] = !box.checked;
        state.chart.data.datasets.forEach(function (d, i) {
          if (d.run === run.name) state.chart.setDatasetVisibility(i, box.checked);
        });
        state.chart.update();
      });
      var swatch = el("span", { cls: "swatch", style: "background:" + color });
      toggles.appendChild(el("label", {}, [box, swatch, run.name]));
    });
    state.chart = new Chart(canvas.getContext("2d"), {
      type: "line",
      data: { datasets: datasets },
      plugins: [lrDropPlugin],
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        interaction: { mode: "nearest", intersect: false },
        scales: { x: { type: "linear", title: { display: true, text: "epoch" }, ticks: { precision: 0 } },
                  y: { title: { display: true, text: "loss" } } },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: function (item) {
            var d = item.dataset;
            return d.label + ": " + item.parsed.y.toPrecision(4) + " (epoch " + item.parsed.x + ", lr " +
                   d.lr[item.dataIndex].toExponential(2) + ")";
          } } }
        }
      }
    });
    canvas.setAttribute("data-ink", inkedPixels(canvas));
  }

  // Pixels the chart painted (not transparent): lets a script reading the page check it drew.
  function inkedPixels(canvas) {
    var pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data, n = 0;
    for (var i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) ++n;
    return n;
  }

  // One axis of the parallel coordinates: how to read a run's value and where it goes on the axis.
  function makeAxis(key, label, values, height) {
    var numeric = values.every(function (v) { return typeof v === "number"; });
    var axis = { key: key, label: label, numeric: numeric };
    if (numeric) {
      var lo = d3.min(values), hi = d3.max(values);
      var log = lo > 0 && hi / lo >= 20;
      if (lo === hi) {  // one value: centre it
        var pad = lo === 0 ? 1 : Math.abs(lo) / 2;
        lo -= pad;
        hi += pad;
      }
      axis.scale = (log ? d3.scale.log() : d3.scale.linear()).domain([lo, hi]).range([height, 0]);
      if (!log) axis.scale.nice();
      axis.position = function (v) { return axis.scale(v); };
    } else {
      var names = d3.set(values.map(String)).values().sort();
      axis.scale = d3.scale.ordinal().domain(names).rangePoints([height, 0], 1);
      axis.position = function (v) { return axis.scale(String(v)); };
    }
    return axis;
  }

  function renderParallel(sweep) {
    var box = clear("parallel-body");
    var caption = document.getElementById("parallel-selection");
    caption.textContent = "";
    if (!sweep) return;
    var runs = sweep.runs.filter(function (run) { return run.best_val_loss !== null && run.test_psnr !== null; });
    if (!runs.length) {
      box.appendChild(el("p", { cls: "note", text: "No run has finished with test results yet." }));
      return;
    }
    var margin = { top: 30, right: 70, bottom: 12, left: 70 }, height = 300;
    var specs = sweep.varied.map(function (k) { return [k, k, function (run) { return run.settings[k]; }]; })
      .concat([["best_val_loss", "best val loss", function (run) { return run.best_val_loss; }],
               ["test_psnr", "test PSNR (dB)", function (run) { return run.test_psnr; }]]);
    var axes = specs.map(function (s) {
      var axis = makeAxis(s[0], s[1], runs.map(s[2]), height);
      axis.value = s[2];
      return axis;
    });
    var width = Math.max(box.clientWidth - margin.left - margin.right, 130 * (axes.length - 1));
    var x = d3.scale.ordinal().domain(axes.map(function (a) { return a.key; })).rangePoints([0, width]);
    var svg = d3.select(box).append("svg").attr("class", "parallel")
      .attr("width", width + margin.left + margin.right).attr("height", height + margin.top + margin.bottom)
      .append("g").attr("transform", "translate(" + margin.left + "," + margin.top + ")");
    var losses = runs.map(function (run) { return run.best_val_loss; });
    var color = d3.scale.linear().domain([d3.min(losses), d3.max(losses)]).range(["#1a9850", "#d73027"])
      .interpolate(d3.interpolateHcl);
    var line = d3.svg.line();
    var paths = svg.append("g").selectAll("path").data(runs).enter().append("path")
      .attr("class", "line").attr("data-run", function (run) { return run.name; })
      .attr("stroke", function (run) { return color(run.best_val_loss); })
      .attr("d", function (run) {
        return line(axes.map(function (a) { return [x(a.key), a.position(a.value(run))]; }));
      });
    paths.append("title").text(function (run) {
      return run.name + "\n" + axes.map(function (a) { return a.label + ": " + a.value(run); }).join("\n");
    });

    var saved = state.brushes[sweep.name] || (state.brushes[sweep.name] = {});
    function inside(a, run) {
      var extent = saved[a.key];
      if (!extent) return true;
      var v = a.numeric ? a.value(run) : a.position(a.value(run));
      return v >= Math.min(extent[0], extent[1]) && v <= Math.max(extent[0], extent[1]);
    }
    function applyBrushes() {
      var kept = runs.filter(function (run) { return axes.every(function (a) { return inside(a, run); }); });
      paths.classed("faded", function (run) { return kept.indexOf(run) < 0; });
      caption.textContent = kept.length + " of " + runs.length + " finished runs selected" +
        (kept.length && kept.length < runs.length ? ": " + kept.map(function (r) { return r.name; }).join(", ") : "");
    }
    var groups = svg.selectAll(".dimension").data(axes).enter().append("g").attr("class", "dimension")
      .attr("transform", function (a) { return "translate(" + x(a.key) + ")"; });
    groups.append("g").attr("class", "axis").each(function (a) {
      var axis = d3.svg.axis().scale(a.scale).orient("left").ticks(6);
      if (a.numeric) {
        axis.tickFormat(function (v) { return String(+v.toPrecision(3)); });
        if (runs.every(function (run) { return Number.isInteger(a.value(run)); })) {
          axis.tickValues(a.scale.ticks(6).filter(function (v) { return Number.isInteger(v); }));
        }
      }
      d3.select(this).call(axis);
    });
    groups.append("text").attr("class", "axis-title").attr("y", -12).text(function (a) { return a.label; });
    groups.append("g").attr("class", "brush").each(function (a) {
      var brush = d3.svg.brush().y(a.scale);
      if (saved[a.key]) brush.extent(saved[a.key]);
      brush.on("brush", function () {
        if (brush.empty()) delete saved[a.key];
        else saved[a.key] = brush.extent();
        applyBrushes();
      });
      d3.select(this).call(brush).selectAll("rect").attr("x", -9).attr("width", 18);
    });
    applyBrushes();
  }

  function renderSamples(sweep) {
    var box = clear("samples-body");
    if (!sweep) return;
    var s = samples[sweep.name];
    if (!s) {
      box.appendChild(el("p", { cls: "note", text: "Sweep " + sweep.name + " started after this page was made: " +
                                                    "reload the page for its samples." }));
      return;
    }
    if (s.error) { box.appendChild(el("p", { cls: "note", text: "No samples: " + s.error })); return; }
    var head = el("tr", {}, s.columns.map(function (c) { return el("th", { text: c }); }));
    var rows = s.rows.map(function (row) {
      return el("tr", {}, row.map(function (uri, c) {
        return el("td", {}, [el("img", { src: uri, alt: s.columns[c], title: s.columns[c] })]);
      }));
    });
    box.appendChild(el("table", { cls: "samples" }, [el("thead", {}, [head]), el("tbody", {}, rows)]));
    if (s.notes.length) {
      box.appendChild(el("ul", { cls: "note" }, s.notes.map(function (n) { return el("li", { text: n }); })));
    }
    if (BOKEH_LIVE) {
      box.appendChild(el("p", { cls: "note", text: "Samples are made when the page loads: reload for newer checkpoints." }));
    }
  }

  function renderSpec(sweep) {
    var box = clear("spec-body");
    if (sweep) {
      var registered = " (registered " + formatTime(sweep.created) + ")";
      box.appendChild(el("h3", { text: "Spec of sweep " + sweep.name + registered }));
      box.appendChild(el("pre", { text: sweep.spec_yaml }));
      if (sweep.overrides.length) {
        box.appendChild(el("p", { text: "Command-line overrides: " + sweep.overrides.map(function (o) {
          return "--set " + o; }).join(" ") }));
      }
    }
    var versions = Object.keys(software).map(function (k) { return [k, software[k]]; })
      .concat([["Chart.js", Chart.version], ["d3", d3.version]]);
    box.appendChild(el("h3", { text: "Software that made this page" }));
    box.appendChild(el("table", {}, [el("tbody", {}, versions.map(function (v) {
      return el("tr", {}, [el("td", { text: v[0] }), el("td", { text: String(v[1]) })]);
    }))]));
  }

  // What changes the heavier sections: the runs and tables (the status also moves with the clock).
  function contentKey(sweep) { return sweep ? JSON.stringify([sweep.name, sweep.runs, sweep.tables]) : ""; }

  function render() {
    var sweep = currentSweep();
    renderHeader(sweep);
    renderStatus(sweep);
    var key = contentKey(sweep);
    if (key !== state.drawnKey) {
      var sweepChanged = !sweep || !state.drawnKey || JSON.parse(state.drawnKey)[0] !== sweep.name;
      renderTables(sweep);
      renderCurves(sweep);
      renderParallel(sweep);
      bokehAnalysis.renderPareto(sweep);
      bokehAnalysis.renderImportance(sweep);
      if (sweepChanged) { renderSamples(sweep); renderSpec(sweep); }
      state.drawnKey = key;
    }
    document.body.setAttribute("data-rendered", data.generated);
    if (!document.body.hasAttribute("data-render-ms")) {  // navigation start to everything drawn, once
      document.body.setAttribute("data-render-ms", Math.round(performance.now()));
    }
  }

  function poll() {
    fetch("data.json", { cache: "no-store" }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }).then(function (next) {
      data = next;
      render();
    }).catch(function (error) {
      var generated = document.getElementById("generated");
      generated.className = "";
      generated.textContent = "refresh failed (" + error.message + "); showing " + formatTime(data.generated);
    });
  }

  document.getElementById("sweep-select").addEventListener("change", function (event) {
    state.sweep = event.target.value;
    state.drawnKey = null;
    render();
  });
  render();
  if (BOKEH_LIVE) setInterval(poll, POLL_MS);
})();
