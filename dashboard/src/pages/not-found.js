import {h} from '../lib/dom.js';

export default {
  title: 'Page not found',
  public: true,
  render(main) {
    main.append(
      h('div', {class: 'card narrow'},
        h('h1', {tabindex: '-1'}, 'Page not found'),
        h('p', {}, `The dashboard has no page at ${location.pathname}.`),
        h('p', {}, h('a', {href: '/ui/sandboxes'}, 'Go to your sandboxes'))));
  },
};
