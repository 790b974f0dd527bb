/* HtmlBlock (viz/precompiled.py): a tag with HTML made on the server inside it, as solara.HTML draws but
   without a .vue template. The HTML is the page's own (escaped where it holds names), never a user's. */
import { h } from 'vue';

export default {
  render() {
    return h(this.tag || 'div', {class: this.css_class || undefined, innerHTML: this.html});
  },
};
