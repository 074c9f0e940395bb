// The data map (statistics/map.html). The figures come in the page as JSON (no inline script:
// the Content-Security-Policy stays strict), the shapes from the boundaries URL. Choosing a
// metric recolours the map without a reload; a click on a unit with a level below opens its map.
(function () {
  "use strict";
  var holder = document.getElementById("region-map");
  if (!holder || typeof echarts === "undefined") { return; }
  var figures = JSON.parse(holder.dataset.figures);
  var select = document.getElementById("metric");
  var chart = echarts.init(holder, null, {renderer: "canvas"});
  var mapName = "units:" + figures.boundaries;
  var names = {};

  function metricOf(key) {
    return figures.metrics.filter(function (m) { return m.key === key; })[0] || figures.metrics[0];
  }

  function shown(value, unit) {
    return value === null || value === undefined || isNaN(value) ? "—" : value + unit;
  }

  function draw(key) {
    var metric = metricOf(key);
    var values = figures.values[metric.key] || {};
    var data = Object.keys(values).map(function (code) {
      var value = values[code];
      return {name: code, value: value === null ? NaN : value};
    });
    var known = data.map(function (d) { return d.value; }).filter(function (v) { return !isNaN(v); });
    var top = known.length ? Math.max.apply(null, known) : 0;
    chart.setOption({
      tooltip: {
        trigger: "item",
        formatter: function (item) {
          // Plain text: the tooltip is set as HTML, and names come from the data.
          var label = document.createElement("span");
          label.textContent = (names[item.name] || item.name) + ": " + shown(item.value, metric.unit);
          return label.outerHTML;
        }
      },
      visualMap: {
        min: 0,
        max: metric.unit === "%" || metric.unit === "" ? Math.max(100, top) : Math.max(1, top),
        calculable: true,
        left: "left",
        bottom: 0,
        text: [metric.title, ""],
        inRange: {color: ["#e8f1fb", "#6ea8dc", "#0b4f96"]}
      },
      series: [{
        type: "map",
        map: mapName,
        nameProperty: "code",
        roam: true,
        data: data,
        label: {show: false},
        emphasis: {label: {show: true, formatter: function (item) { return names[item.name] || ""; }}},
        select: {disabled: true}
      }]
    });
    holder.dataset.metric = metric.key;
    document.querySelectorAll("a[data-drill]").forEach(function (link) {
      var target = new URL(link.href, window.location.href);
      target.searchParams.set("metric", metric.key);
      link.href = target.toString();
    });
  }

  fetch(figures.boundaries, {credentials: "same-origin"})
    .then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    })
    .then(function (shapes) {
      shapes.features.forEach(function (f) { names[f.properties.code] = f.properties.name; });
      echarts.registerMap(mapName, shapes);
      draw(select ? select.value : figures.metric);
      holder.dataset.drawn = String(shapes.features.length);
    })
    .catch(function () { holder.dataset.drawn = "failed"; holder.classList.add("d-none"); });

  chart.on("click", function (item) {
    var target = figures.drill[item.name];
    if (target) {
      var url = new URL(target, window.location.href);
      url.searchParams.set("metric", holder.dataset.metric || figures.metric);
      window.location.assign(url.toString());
    }
  });
  if (select) {
    select.addEventListener("change", function () {
      draw(select.value);
      var url = new URL(window.location.href);
      url.searchParams.set("metric", select.value);
      window.history.replaceState(null, "", url.toString());
    });
  }
  window.addEventListener("resize", function () { chart.resize(); });
})();
