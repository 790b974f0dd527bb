/* indusco: start loading the Vega libraries as soon as the page's scripts have run, so the map can draw as
   soon as its widget mounts. VegaView (vega_view.js) asks require.js for the same modules and gets these.
   Solara includes this file from its asset folders (viz/server.py adds this one). */
document.addEventListener('DOMContentLoaded', function () {
  if (!window.requirejs) return;  /* VegaView then loads require.js and Vega itself */
  const cdn = (window.solara && window.solara.cdn) || '_solara/cdn';
  window.requirejs.config({
    map: {'*': {
      'vega': `${cdn}/vega@5/build/vega.min.js`,
      'vega-lite': `${cdn}/vega-lite@5/build/vega-lite.min.js`,
      'vega-embed': `${cdn}/vega-embed@6/build/vega-embed.min.js`,
    }},
  });
  window.requirejs(['vega', 'vega-lite', 'vega-embed'], function () {}, function () {});
});
