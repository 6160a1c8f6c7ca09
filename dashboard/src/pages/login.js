import {api} from '../lib/api.js';
import {busy, errorBox, field, h} from '../lib/dom.js';
import * as router from '../lib/router.js';
import * as session from '../lib/session.js';

const REASONS = {
  expired: 'Your session expired. Log in again to continue.',
  refused: 'Your session is no longer valid: it expired or was revoked. Log in again to continue.',
  logout: 'You have logged out.',
};

/** Whether the server offers GitHub login: its start route redirects when configured and is a 404 when not. */
async function githubOffered() {
  try {
    const res = await fetch('/v1/auth/oauth/github', {redirect: 'manual'});
    return res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400);
  } catch {
    return false;
  }
}

export default {
  title: 'Log in',
  public: true,
  guestOnly: true,
  render(main, params, query) {
    const reason = REASONS[query.get('session')];
    const next = router.safeNext(query.get('next')) || '/ui/sandboxes';
    const email = h('input', {type: 'email', name: 'email', autocomplete: 'username', required: true});
    const password = h('input', {type: 'password', name: 'password', autocomplete: 'current-password',
      required: true});
    const error = errorBox();
    const submit = h('button', {type: 'submit', class: 'btn btn-primary btn-block'}, 'Log in');
    const github = h('div', {class: 'oauth', hidden: true},
      h('p', {class: 'divider'}, h('span', {}, 'or')),
      h('a', {class: 'btn btn-block btn-github', href: '/v1/auth/oauth/github'}, 'Log in with GitHub'));
    const form = h('form', {class: 'stack', novalidate: true},
      field('Email', email),
      field('Password', password),
      error.el,
      submit);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      error.clear();
      if (!email.value || !password.value) {
        error.show('Enter your email and password.');
        (email.value ? password : email).focus();
        return;
      }
      await busy(submit, 'Logging in…', async () => {
        try {
          const auth = await api('/v1/auth/login', {method: 'POST', auth: false,
            json: {email: email.value.trim(), password: password.value}});
          session.start(auth);
          router.navigate(next, {replace: true});
        } catch (err) {
          error.show(err.status === 401 ? 'Wrong email or password.' : err.message);
          password.select();
          password.focus();
        }
      });
    });
    main.append(h('div', {class: 'card narrow'},
      h('p', {class: 'brand brand-large'}, h('span', {class: 'brand-mark', 'aria-hidden': 'true'}), 'Wrenn'),
      h('h1', {tabindex: '-1'}, 'Log in'),
      reason ? h('p', {class: query.get('session') === 'logout' ? 'notice' : 'notice notice-warn',
        role: 'status'}, reason) : null,
      form,
      github,
      h('p', {class: 'switch'}, 'No account yet? ', h('a', {href: '/ui/signup'}, 'Sign up'))));
    githubOffered().then((offered) => {
      github.hidden = !offered;
    });
  },
};
