// The dashboard's price chart (uPlot: drag to zoom, hover for the figures) and the
// figures' refresh. Figures stay the service's exact decimal strings; numbers are made
// from them only to place points on the chart.
(function () {
  "use strict";
  var root = document.getElementById("dashboard");
  if (!root) return;
  var pool = root.dataset.pool;
  var params = new URLSearchParams(window.location.search);
  var every = Math.max(1, parseInt(params.get("refresh") || root.dataset.refresh, 10) || 5);
  var box = document.getElementById("chart");
  var summary = document.getElementById("chart-summary");
  var resetButton = document.getElementById("chart-reset");
  var samples = [];
  var plot = null;
  var range = "all";
  var zoom = null; // [start, end] in seconds while zoomed in

  function grouped(text) {
    if (text === null || text === undefined || text === "") return "—";
    var sign = text.charAt(0) === "-" ? "\u2212" : ""; // the minus sign, as money writes it
    var parts = text.replace(/^-/, "").split(".");
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return sign + parts.join(".");
  }
  // a ratio's exact text as a percentage ("1.2345" → "123.45%"), by moving the point
  function percent(text) {
    if (text === null || text === undefined || text === "") return "—";
    if (/%$/.test(text)) return text;
    var sign = text.charAt(0) === "-" ? "\u2212" : "";
    var parts = text.replace(/^-/, "").split(".");
    var fraction = ((parts[1] || "") + "00");
    var whole = (parts[0] + fraction.slice(0, 2)).replace(/^0+(?=\d)/, "");
    var rest = fraction.slice(2).replace(/0+$/, "");
    return sign + grouped(whole) + (rest ? "." + rest : "") + "%";
  }
  function money(text) {
    if (text === null || text === undefined) return "—";
    return text.charAt(0) === "-" ? "−¥" + grouped(text.slice(1)) : "¥" + grouped(text);
  }
  // times in the tenant's zone, written as the page's language writes a date
  var zone = box.dataset.timezone || "UTC";
  var chinese = (document.documentElement.lang || "").indexOf("zh") === 0;
  var partsOf = (function () {
    var format;
    try {
      format = new Intl.DateTimeFormat("en-GB", {
        timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23", timeZoneName: "shortOffset",
      });
    } catch (e) {
      zone = "UTC";
      format = new Intl.DateTimeFormat("en-GB", {
        timeZone: "UTC", year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23", timeZoneName: "shortOffset",
      });
    }
    return function (seconds) {
      var parts = {};
      format.formatToParts(new Date(seconds * 1000)).forEach(function (p) { parts[p.type] = p.value; });
      parts.offset = (parts.timeZoneName || "GMT").replace("GMT", "UTC");
      return parts;
    };
  })();
  function day(p) {
    return chinese ? Number(p.year) + "年" + Number(p.month) + "月" + Number(p.day) + "日"
      : p.year + "-" + p.month + "-" + p.day;
  }
  function stamp(seconds) {
    var p = partsOf(seconds);
    return day(p) + " " + p.hour + ":" + p.minute + " " + p.offset;
  }
  // the time axis: the hour within a day, else the day (the year when the axis spans years);
  // ticks closer than that (a pool's first minutes) take the next finer form, and a label
  // still the same as the one before it is left out rather than repeated on every tick
  function hm(p) { return p.hour + ":" + p.minute; }
  function hms(p) { return hm(p) + ":" + p.second; }
  function md(p) { return chinese ? Number(p.month) + "月" + Number(p.day) + "日" : p.month + "-" + p.day; }
  function ym(p) { return chinese ? Number(p.year) + "年" + Number(p.month) + "月" : p.year + "-" + p.month; }
  function repeats(labels) {
    return labels.some(function (label, i) { return i > 0 && label === labels[i - 1]; });
  }
  function ticks(u, splits) {
    var span = splits.length > 1 ? splits[splits.length - 1] - splits[0] : 0;
    var forms = span <= 2 * 86400 ? [hm, hms]
      : span > 400 * 86400 ? [ym, function (p) { return day(p); }]
      : [md, function (p) { return md(p) + " " + hm(p); }];
    var parts = splits.map(partsOf);
    var labels = [];
    for (var f = 0; f < forms.length; f++) {
      labels = parts.map(forms[f]);
      if (!repeats(labels)) break;
    }
    labels = labels.map(function (label, i) { return i > 0 && label === labels[i - 1] ? "" : label; });
    box.dataset.axis = labels.join(" | "); // the canvas's labels, readable as text
    return labels;
  }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }

  function draw() {
    var xs = samples.map(function (s) { return Date.parse(s.at) / 1000; });
    var ys = samples.map(function (s) { return Number(s.price); });
    var width = Math.max(280, box.clientWidth);
    var options = {
      width: width,
      height: 300,
      scales: { x: { time: true } },
      cursor: { drag: { x: true, y: false } },
      legend: { live: true },
      series: [
        { label: box.dataset.labelTime, value: function (u, v, si, i) { return i == null ? "—" : stamp(xs[i]); } },
        {
          label: box.dataset.labelPrice, stroke: "#1d4ed8", width: 2, fill: "rgba(29,78,216,0.08)",
          value: function (u, v, si, i) {
            if (i == null) return "—";
            var s = samples[i];
            return s.price + " (" + box.dataset.labelBalance + " " + money(s.balance) + ", " +
              box.dataset.labelPoints + " " + grouped(s.points) + ")";
          },
        },
      ],
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), zone); },
      axes: [{ stroke: "#374151", values: ticks, space: 70 }, { stroke: "#374151", size: 70 }],
      hooks: {
        setSelect: [function (u) {
          if (u.select.width < 5) return;
          var start = u.posToVal(u.select.left, "x");
          var end = u.posToVal(u.select.left + u.select.width, "x");
          u.setSelect({ left: 0, width: 0 }, false);
          zoom = [start, end];
          resetButton.hidden = false;
          load();
        }],
      },
    };
    if (plot) plot.destroy();
    plot = new uPlot(options, [xs, ys], box);
    if (samples.length) {
      summary.textContent = fill(summary.dataset.template, {
        first: samples[0].price, last: samples[samples.length - 1].price,
        start: stamp(xs[0]), end: stamp(xs[xs.length - 1]), count: samples.length,
      });
    } else {
      summary.textContent = summary.dataset.empty;
    }
  }

  function load() {
    var query = new URLSearchParams({ pool: pool });
    if (zoom) {
      query.set("start", new Date(zoom[0] * 1000).toISOString());
      query.set("end", new Date(zoom[1] * 1000).toISOString());
    } else {
      query.set("range", range);
    }
    return fetch("/console/data/chart?" + query, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (chart) { if (chart) { samples = chart.samples; draw(); } });
  }

  function pick(path, data) {
    return path.split(".").reduce(function (v, k) { return v == null ? v : v[k]; }, data);
  }

  var refreshes = 0;
  function refresh() {
    // the solvency report reads every position: once a minute is enough
    var withSolvency = refreshes++ % Math.max(1, Math.round(60 / every)) === 0;
    var query = new URLSearchParams({ pool: pool, solvency: withSolvency ? "true" : "false" });
    return fetch("/console/data/figures?" + query, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        var changed = false;
        root.querySelectorAll("[data-figure]").forEach(function (el) {
          var value = pick(el.dataset.figure, data);
          if (value === undefined) return;
          var text = el.hasAttribute("data-money") ? money(value)
            : el.hasAttribute("data-percent") ? percent(value)
            : el.hasAttribute("data-grouped") ? grouped(value) : (value === null ? "—" : String(value));
          if (el.textContent !== text) { el.textContent = text; changed = true; }
        });
        var note = document.getElementById("refreshed");
        note.textContent = fill(note.dataset.template, { time: stamp(Date.now() / 1000) });
        if (withSolvency) refreshRisk();
        if (changed && !zoom) return load();
      });
  }

  // the risk panel is rendered by the server (its words are the page's language): swapped whole
  function refreshRisk() {
    return fetch("/console/data/risk", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        var old = document.getElementById("risk");
        if (!html || !old) return;
        var holder = document.createElement("div");
        holder.innerHTML = html.trim();
        if (holder.firstElementChild && old.outerHTML !== holder.firstElementChild.outerHTML) {
          old.replaceWith(holder.firstElementChild);
        }
      });
  }

  document.querySelectorAll("[data-range]").forEach(function (button) {
    button.addEventListener("click", function () {
      range = button.dataset.range;
      zoom = null;
      resetButton.hidden = true;
      document.querySelectorAll("[data-range]").forEach(function (b) {
        b.setAttribute("aria-pressed", b === button ? "true" : "false");
      });
      load();
    });
  });
  resetButton.addEventListener("click", function () {
    zoom = null;
    resetButton.hidden = true;
    load();
  });
  window.addEventListener("resize", function () { if (plot) plot.setSize({ width: Math.max(280, box.clientWidth), height: 300 }); });
  load();
  window.setInterval(refresh, every * 1000);
})();
