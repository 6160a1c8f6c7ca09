// The dashboard's entry: the page shell (header, navigation, main), the route table, and what happens when the
// session ends. Every page is a module with a title and a render(main, params, query) that returns its cleanup.

import {h, replace} from './lib/dom.js';
import * as router from './lib/router.js';
import * as session from './lib/session.js';
import {takeFlash} from './lib/live.js';
import login from './pages/login.js';
import signup from './pages/signup.js';
import callback from './pages/callback.js';
import keys from './pages/keys.js';
import sandboxes from './pages/sandboxes.js';
import newSandbox from './pages/new-sandbox.js';
import sandbox from './pages/sandbox.js';
import templates from './pages/templates.js';
import build from './pages/build.js';
import audit from './pages/audit.js';
import notFound from './pages/not-found.js';

router.route('/ui/login', login);
router.route('/ui/signup', signup);
router.route('/auth/:provider/callback', callback);
router.route('/ui/keys', keys);
router.route('/ui/sandboxes', sandboxes);
router.route('/ui/sandboxes/new', newSandbox);
router.route('/ui/sandboxes/:id', sandbox);
router.route('/ui/templates', templates);
router.route('/ui/templates/builds/:id', build);
router.route('/ui/audit', audit);

const NAV = [
  ['/ui/sandboxes', 'Sandboxes'],
  ['/ui/templates', 'Templates'],
  ['/ui/keys', 'API keys'],
  ['/ui/audit', 'Audit log'],
];

const root = document.getElementById('app');
let cleanup = null;
let generation = 0;
let first = true;

function header(s) {
  const path = location.pathname;
  return h('header', {class: 'topbar'},
    h('a', {class: 'brand', href: '/ui/sandboxes'}, h('span', {class: 'brand-mark', 'aria-hidden': 'true'}), 'Wrenn'),
    h('nav', {'aria-label': 'Main'},
      h('ul', {}, NAV.map(([href, text]) => h('li', {},
        h('a', {href, 'aria-current': path.startsWith(href) ? 'page' : null}, text))))),
    h('div', {class: 'account'},
      h('span', {class: 'who', title: `Team ${s.team_id}`}, s.email || 'Signed in'),
      h('button', {type: 'button', class: 'btn btn-small', onclick: () => session.end('logout')}, 'Log out')));
}

function layout(page, main, s) {
  if (page.public) return h('div', {class: 'public'}, main);
  return h('div', {class: 'shell'}, header(s), main);
}

function render() {
  const gen = ++generation;
  if (cleanup) {
    try {
      cleanup();
    } catch (e) {
      console.warn('cleanup failed', e);
    }
    cleanup = null;
  }
  const path = location.pathname;
  const s = session.current();
  // Ending an expired session above navigates to the login page, which has rendered by now.
  if (gen !== generation) return;
  if (path === '/' || path === '/ui' || path === '/ui/') {
    router.navigate(s ? '/ui/sandboxes' : '/ui/login', {replace: true});
    return;
  }
  const found = router.match(path) || {page: notFound, params: {}};
  const {page, params} = found;
  if (!page.public && !s) {
    router.navigate('/ui/login?' + new URLSearchParams({next: path + location.search}), {replace: true});
    return;
  }
  if (page.guestOnly && s) {
    router.navigate('/ui/sandboxes', {replace: true});
    return;
  }
  const main = h('main', {id: 'main', class: 'main', tabindex: '-1'});
  replace(root, layout(page, main, s));
  const title = typeof page.title === 'function' ? page.title(params) : page.title;
  document.title = `${title} · Wrenn`;
  const message = takeFlash();
  const result = page.render(main, params, new URLSearchParams(location.search));
  // A page that navigated away while rendering (the OAuth landing page does) has been replaced already.
  if (gen !== generation) return;
  if (message) {
    const note = h('p', {class: 'notice', role: 'status'}, message);
    const heading = main.querySelector('h1');
    if (heading) (heading.closest('.page-head') || heading).after(note);
    else main.prepend(note);
  }
  cleanup = typeof result === 'function' ? result : null;
  // After a navigation, focus goes to the new page's heading so that screen readers announce it.
  if (!first) (main.querySelector('h1') || main).focus();
  first = false;
}

session.onEnd((reason) => {
  const query = new URLSearchParams({session: reason});
  const here = location.pathname + location.search;
  if (reason !== 'logout' && router.safeNext(here) && !here.startsWith('/ui/login')) query.set('next', here);
  router.navigate(`/ui/login?${query}`, {replace: reason !== 'logout'});
});

router.onNavigate(render);
router.start();
