/* A Vega-Lite chart whose data change without redrawing the chart from scratch.
   `spec` is embedded once (and again when it changes); a push of datasets (`datasets_json`, name -> rows as
   one JSON text) only replaces the rows of those named datasets in the live view (view.data), which takes a
   few milliseconds instead of the compile-and-embed of a whole spec. The rows come as text so that neither
   ipywidgets nor ipyvue walks them (deep copies, deep watchers, reactive proxies): JSON.parse makes them
   once. Vega is loaded with require.js from Solara's asset path. Each draw calls back to Python (vega_drawn)
   with the newest push (the `_push` counter of the datasets) it shows, so the page's play loop can tell which
   week the map has drawn, even when one draw showed two pushes.

   An ES module with its render function written out (a <div> holding the plot's <div>), not a .vue file:
   ipyvue imports it as it is, where a .vue template would first need its 0.8 MB in-browser compiler. */
import { h } from 'vue';

export default {
  render() {
    return h('div', [h('div', {ref: 'plot'})]);
  },
  mounted() {
    const {_push, ...datasets} = JSON.parse(this.datasets_json);
    this.current = datasets;
    this.dirty = {};                    /* datasets changed since the last draw */
    this.pushed = _push || 0;           /* the newest push received */
    this.ready = this.loadVega().then(() => this.embed());
  },
  watch: {
    spec() {
      this.schedule();
    },
    datasets_json() {
      /* Python sends only the datasets that changed, and a counter (_push) so that every push arrives */
      const {_push, ...changed} = JSON.parse(this.datasets_json);
      this.current = {...this.current, ...changed};
      this.dirty = {...this.dirty, ...changed};
      this.pushed = _push || this.pushed;
      this.schedule();
    },
  },
  methods: {
    schedule() {
      /* coalesce: while a draw is under way later changes wait, and one draw shows the newest of them */
      if (this.queued) return;
      this.queued = true;
      this.ready = this.ready.then(() => {
        this.queued = false;
        return (!this.view || this.embedded !== this.spec) ? this.embed() : this.update();
      }).catch((error) => { console.warn('vega update failed', error); });
    },
    embed() {
      const push = this.pushed;         /* the draw shows every push received until now */
      this.embedded = this.spec;
      this.dirty = {};
      return new Promise((resolve) => {
        require(['vega-embed'], (vegaEmbed) => {
          const spec = {...JSON.parse(JSON.stringify(this.spec))};
          spec.datasets = {...(spec.datasets || {}), ...JSON.parse(JSON.stringify(this.current))};
          if (this.view) { this.view.finalize(); this.view = null; }
          vegaEmbed(this.$refs.plot, spec, {actions: false, mode: 'vega-lite'}).then(({view}) => {
            this.view = view;
            this.drawn(push);
            if (this.listen_to_click) {
              view.addEventListener('click', (event, item) => {
                this.vega_click(item && item.datum ? item.datum : null);
              });
            }
            resolve();
          }).catch((error) => { console.warn('vega embed failed', error); resolve(); });
        });
      });
    },
    update() {
      const push = this.pushed;
      const view = this.view;
      const dirty = this.dirty;
      this.dirty = {};
      for (const [name, rows] of Object.entries(dirty)) {
        view.data(name, rows);  /* fresh objects from JSON.parse; a later embed copies them (this.current) */
      }
      return view.runAsync().then(() => this.drawn(push));
    },
    drawn(push) {
      /* a counter in the DOM that tests (and anyone curious) can watch */
      const plot = this.$refs.plot;
      plot.dataset.draws = String(Number(plot.dataset.draws || 0) + 1);
      this.vega_drawn(push);  /* tells Python which push is on screen (the play loop waits for it) */
    },
    loadVega() {
      const cdn = this.cdn || (window.solara ? window.solara.cdn : '_solara/cdn');
      const load = window.requirejs ? Promise.resolve() : new Promise((resolve, reject) => {
        const script = document.createElement('script');
        script.src = `${cdn}/requirejs@2.3.6/require.js`;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
      return load.then(() => new Promise((resolve, reject) => {
        require.config({
          map: {'*': {
            'vega': `${cdn}/vega@5/build/vega.min.js`,
            'vega-lite': `${cdn}/vega-lite@5/build/vega-lite.min.js`,
            'vega-embed': `${cdn}/vega-embed@6/build/vega-embed.min.js`,
          }},
        });
        require(['vega', 'vega-lite', 'vega-embed'], () => resolve(), reject);
      }));
    },
  },
};
