/* indusco: start fetching the Vega libraries with the page, so the map can draw as soon as its widget
   mounts (VegaView loads them with require.js from the same paths). Solara includes this file from its
   asset folders (viz/server.py adds this one). */
(function () {
  const cdn = (window.solara && window.solara.cdn) || '_solara/cdn';
  for (const lib of ['vega@5/build/vega.min.js', 'vega-lite@5/build/vega-lite.min.js',
                     'vega-embed@6/build/vega-embed.min.js']) {
    const link = document.createElement('link');
    link.rel = 'preload';
    link.as = 'script';
    link.href = `${cdn}/${lib}`;
    document.head.appendChild(link);
  }
})();
