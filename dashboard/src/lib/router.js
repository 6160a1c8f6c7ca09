// Client-side routing over the History API. The server answers every page path under /ui (and / and the OAuth
// landing page) with the same index.html, so a reload or a shared link opens the same page.

const routes = [];
let render = () => {};

/** Adds a route: a pattern such as '/ui/sandboxes/:id' and what to call with its parameters. */
export function route(pattern, page) {
  const names = [];
  const source = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (_, name) => {
    names.push(name);
    return '([^/]+)';
  });
  routes.push({re: new RegExp(`^${source}/?$`), names, page});
}

/** The route for a path: its page and decoded parameters, or null. */
export function match(path) {
  for (const r of routes) {
    const m = r.re.exec(path);
    if (!m) continue;
    const params = {};
    r.names.forEach((name, i) => {
      params[name] = decodeURIComponent(m[i + 1]);
    });
    return {page: r.page, params};
  }
  return null;
}

export function onNavigate(handler) {
  render = handler;
}

/** Goes to a path of the app (pushing history, or replacing the current entry). */
export function navigate(to, {replace = false} = {}) {
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  render();
}

/** Only the app's own pages are followed after login: never an address a link could smuggle in. */
export function safeNext(next) {
  return typeof next === 'string' && /^\/ui\/[A-Za-z0-9/_.%-]*$/.test(next) && !next.includes('//') ? next : null;
}

export function start() {
  addEventListener('popstate', () => render());
  document.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = e.target.closest('a[href]');
    if (!a || a.target || a.hasAttribute('download') || a.origin !== location.origin) return;
    if (!a.pathname.startsWith('/ui')) return;
    e.preventDefault();
    navigate(a.pathname + a.search);
  });
  render();
}
