import {api} from '../lib/api.js';
import {busy, errorBox, field, h} from '../lib/dom.js';
import * as router from '../lib/router.js';
import * as session from '../lib/session.js';

export default {
  title: 'Sign up',
  public: true,
  guestOnly: true,
  render(main) {
    const email = h('input', {type: 'email', name: 'email', autocomplete: 'username', required: true});
    const password = h('input', {type: 'password', name: 'password', autocomplete: 'new-password', required: true,
      minlength: 8});
    const error = errorBox();
    const submit = h('button', {type: 'submit', class: 'btn btn-primary btn-block'}, 'Create account');
    const form = h('form', {class: 'stack', novalidate: true},
      field('Email', email),
      field('Password', password, 'At least 8 characters.'),
      error.el,
      submit);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      error.clear();
      if (!email.value.includes('@')) {
        error.show('Enter your email address.');
        email.focus();
        return;
      }
      if (password.value.length < 8) {
        error.show('Choose a password of at least 8 characters.');
        password.focus();
        return;
      }
      await busy(submit, 'Creating account…', async () => {
        try {
          const auth = await api('/v1/auth/signup', {method: 'POST', auth: false,
            json: {email: email.value.trim(), password: password.value}});
          session.start(auth);
          router.navigate('/ui/sandboxes', {replace: true});
        } catch (err) {
          error.show(err.code === 'email_taken'
            ? 'An account with this email already exists. Log in instead.' : err.message);
          email.focus();
        }
      });
    });
    main.append(h('div', {class: 'card narrow'},
      h('p', {class: 'brand brand-large'}, h('span', {class: 'brand-mark', 'aria-hidden': 'true'}), 'Wrenn'),
      h('h1', {tabindex: '-1'}, 'Create your account'),
      h('p', {class: 'lede'}, 'Your account comes with a team of its own: its sandboxes, templates and API keys.'),
      form,
      h('p', {class: 'switch'}, 'Have an account? ', h('a', {href: '/ui/login'}, 'Log in'))));
  },
};
