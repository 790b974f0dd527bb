/* The browser tab's title (solara.Title; viz/precompiled.py): of the titles on the page, the deepest one
   (the highest `level`) is shown, as Solara's own title.vue does. */
import { h } from 'vue';

const titles = [];

function showDeepest() {
  let deepest = null;
  for (const title of titles) {
    if (deepest === null || title.level > deepest.level) deepest = title;
  }
  if (deepest !== null) document.title = deepest.title;
}

export default {
  render() {
    return h('span', {style: 'display: none'});
  },
  mounted() {
    titles.push(this);
    showDeepest();
  },
  unmounted() {
    titles.splice(titles.indexOf(this), 1);
    showDeepest();
  },
  watch: {
    title: showDeepest,
    level: showDeepest,
  },
};
