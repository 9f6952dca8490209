/* Draws every chart of a page from its inline Vega-Lite spec with the locally bundled Vega
 * runtime (vega-bundle.js, loaded before this file). Nothing is fetched: specs carry their data.
 *
 * A chart block looks like
 *   <figure class="ta-chart" data-spec-id="ID">
 *     <div class="ta-chart-view" data-spec="{...Vega-Lite JSON...}"></div>
 *     <p><img src="charts/ID.svg" alt="..."></p>   static SVG: print and no-JS fallback
 *   </figure>
 * (An attribute, not <script type="application/json">: Material's instant navigation
 * re-creates inline scripts without their type attribute, which would run the JSON.)
 *
 * It follows Material's instant navigation (document$), re-draws when the palette switches
 * between light and dark (data-md-color-scheme), and when a chart's width changes.
 */
(function () {
  "use strict";

  var MIN_WIDTH = 240;   // a container-width chart in an unsized box would draw 0 px wide
  var views = new Map(); // figure element -> {result, width, scheme}
  var resizeTimer = null;

  function scheme() {
    var holder = document.querySelector("[data-md-color-scheme]");
    return holder ? holder.getAttribute("data-md-color-scheme") : "default";
  }

  function cssVar(name, fallback) {
    var value = getComputedStyle(document.body).getPropertyValue(name).trim();
    return value || fallback;
  }

  /* Vega config from Material's current palette, so text and axes follow light/dark. */
  function themeConfig() {
    var fg = cssVar("--md-default-fg-color", "rgba(0,0,0,0.87)");
    var light = cssVar("--md-default-fg-color--light", "rgba(0,0,0,0.54)");
    var grid = cssVar("--md-default-fg-color--lightest", "rgba(0,0,0,0.07)");
    var axis = {
      labelColor: light, titleColor: fg, domainColor: light, tickColor: light, gridColor: grid
    };
    return {
      background: null,
      title: { color: fg, subtitleColor: light },
      axis: axis,
      legend: { labelColor: fg, titleColor: fg },
      text: { color: fg },
      view: { stroke: null }
    };
  }

  function widthOf(figure) {
    var view = figure.querySelector(".ta-chart-view");
    var width = view ? view.getBoundingClientRect().width : 0;
    if (width < 1) width = figure.getBoundingClientRect().width;
    if (width < 1 && figure.parentElement) width = figure.parentElement.getBoundingClientRect().width;
    return Math.max(MIN_WIDTH, Math.floor(width));
  }

  function readSpec(figure) {
    var holder = figure.querySelector(".ta-chart-view[data-spec]");
    if (!holder) return null;
    try {
      return JSON.parse(holder.getAttribute("data-spec"));
    } catch (error) {
      console.error("accountability: chart " + figure.dataset.specId + " has an invalid spec", error);
      return null;
    }
  }

  function draw(figure) {
    var spec = readSpec(figure);
    var target = figure.querySelector(".ta-chart-view");
    if (!spec || !target || typeof window.vegaEmbed !== "function") return;
    var width = widthOf(figure);
    var current = scheme();
    var previous = views.get(figure);
    if (previous && previous.width === width && previous.scheme === current) return;
    if (previous && previous.result) previous.result.finalize();
    // A real pixel width instead of "container": we measure and re-draw on resize ourselves.
    if (spec.width === "container") spec.width = width;
    // Titles and long names are cut to the width the chart is drawn at (templates.py).
    (spec.params || []).forEach(function (param) {
      if (param.name === "container_width") param.value = width;
    });
    var dark = current === "slate";
    var state = { result: null, width: width, scheme: current };
    views.set(figure, state);
    window.vegaEmbed(target, spec, {
      renderer: "svg",
      actions: false,
      mode: "vega-lite",
      config: themeConfig(),
      tooltip: { theme: dark ? "dark" : "light" }
    }).then(function (result) {
      state.result = result;
      figure.classList.add("ta-drawn");
      figure.removeAttribute("data-ta-error");
    }).catch(function (error) {
      figure.classList.remove("ta-drawn");
      figure.setAttribute("data-ta-error", String(error));
      console.error("accountability: chart " + figure.dataset.specId + " failed to draw", error);
    });
  }

  function forget(figure) {
    var state = views.get(figure);
    if (state && state.result) state.result.finalize();
    views.delete(figure);
  }

  function drawAll() {
    // Instant navigation replaces the content: drop views whose figure left the page.
    views.forEach(function (_state, figure) {
      if (!document.body.contains(figure)) forget(figure);
    });
    document.querySelectorAll(".ta-chart[data-spec-id]").forEach(function (figure) {
      draw(figure);
      if (resizeObserver) resizeObserver.observe(figure);
    });
  }

  function redrawAll() {
    document.querySelectorAll(".ta-chart[data-spec-id]").forEach(draw);
  }

  function scheduleRedraw() {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(redrawAll, 120);
  }

  var resizeObserver = typeof ResizeObserver === "function" ? new ResizeObserver(scheduleRedraw) : null;
  if (!resizeObserver) window.addEventListener("resize", scheduleRedraw);

  // The palette toggle sets data-md-color-scheme on <body>; watch the whole tree, cheaply.
  new MutationObserver(function () { redrawAll(); }).observe(document.documentElement, {
    attributes: true, subtree: true, attributeFilter: ["data-md-color-scheme"]
  });

  // Draw now (drawing twice is harmless: draw() skips a chart already drawn at its width),
  // and again after each instant navigation. Opened from file://, Material's document$ never
  // emits, so it cannot be the only trigger.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { drawAll(); });
  }
})();
