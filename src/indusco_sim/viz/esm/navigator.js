/* Solara's router in the browser (the Navigator of every Solara app; viz/precompiled.py), as its own
   navigator.vue: `location` (the path after Solara's root path, with the query) follows the address bar, the
   browser's back and forward buttons, and window.solara.router.push; a location set by the server is pushed
   to the browser's history. The page has one route, so scroll and #hash handling are left out. */
import { h } from 'vue';

function rootPath() {
  return (window.solara && window.solara.rootPath) || '';
}

function currentLocation() {
  return window.location.pathname.slice(rootPath().length) + window.location.search;
}

export default {
  render() {
    return h('span');
  },
  created() {
    window.solara = window.solara || {};
    window.solara.router = window.solara.router || {};
    window.solara.router.push = (href) => {
      const url = new URL(href, window.location.origin + rootPath());
      this.location = url.pathname.slice(rootPath().length) + url.search;
    };
    this.location = currentLocation();
    window.addEventListener('popstate', this.followAddressBar);
  },
  unmounted() {
    window.removeEventListener('popstate', this.followAddressBar);
  },
  methods: {
    followAddressBar() {
      this.location = currentLocation();
    },
  },
  watch: {
    location(value) {
      const url = new URL(value, window.location.href);
      if (url.origin !== window.location.origin) {
        window.location = url;
      } else if (value !== currentLocation()) {
        window.history.pushState({top: 0}, '', rootPath() + value);
        window.dispatchEvent(new Event('solara.router'));
      }
    },
  },
};
