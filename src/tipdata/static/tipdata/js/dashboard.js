/* Draws each dashboard chart from its Vega-Lite spec (a JSON block next to it).
 * The page's Content-Security-Policy forbids eval, inline scripts and inline styles, so
 * Vega parses expressions to an AST and evaluates them with vega-interpreter, and
 * vega-embed adds neither its stylesheet nor its action menu. */
(function () {
  "use strict";

  var options = {
    actions: false,
    renderer: "svg",
    ast: true,
    expr: window.vega && window.vega.expressionInterpreter,
    defaultStyle: false,
    tooltip: { disableDefaultStyle: true }
  };

  function draw(container) {
    var source = document.getElementById(container.getAttribute("data-spec-id"));
    if (!source || !window.vegaEmbed) {
      container.setAttribute("data-rendered", "error");
      return;
    }
    var spec = JSON.parse(source.textContent);
    window.vegaEmbed(container, spec, options).then(function () {
      container.setAttribute("data-rendered", "true");
    }).catch(function (error) {
      container.setAttribute("data-rendered", "error");
      container.textContent = "The chart could not be drawn; the numbers are in the table below.";
      if (window.console) { window.console.error(error); }
    });
  }

  function drawAll() {
    var charts = document.querySelectorAll(".chart[data-spec-id]");
    for (var i = 0; i < charts.length; i += 1) { draw(charts[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
}());
