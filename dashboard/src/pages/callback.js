import {h} from '../lib/dom.js';
import * as router from '../lib/router.js';
import * as session from '../lib/session.js';

// The error codes the OAuth callback redirects with (api/openapi.yaml, oauthCallback), in words.
const MEANINGS = {
  access_denied: 'GitHub did not grant access: the request was declined on GitHub.',
  invalid_state: 'The login could not be verified: it took too long, or was started in another browser or tab.'
    + ' Start it again from this browser.',
  missing_code: 'GitHub sent no authorization code back.',
  exchange_failed: 'Wrenn could not confirm your GitHub account with GitHub. An account needs a verified email'
    + ' address on GitHub.',
  email_taken: 'An account with your GitHub email address already exists and uses a password. Log in with the'
    + ' password instead.',
  internal_error: 'Something went wrong on the server while logging you in.',
};

export default {
  title: 'Logging in',
  public: true,
  render(main, params) {
    const q = new URLSearchParams(location.search);
    // The token must not stay in the address bar or the history.
    history.replaceState(null, '', location.pathname);
    const provider = params.provider === 'github' ? 'GitHub' : params.provider;
    const token = q.get('token');
    if (token && !q.get('error')) {
      session.start({token, email: q.get('email'), user_id: q.get('user_id'), team_id: q.get('team_id')});
      router.navigate('/ui/sandboxes', {replace: true});
      return;
    }
    const code = q.get('error') || 'missing_token';
    const meaning = MEANINGS[code] || (code === 'missing_token'
      ? 'The login redirect carried neither a session nor an error.'
      : 'The login failed for a reason this dashboard does not know.');
    document.title = `${provider} login failed · Wrenn`;
    main.append(h('div', {class: 'card narrow'},
      h('h1', {tabindex: '-1'}, `${provider} login failed`),
      h('p', {class: 'error', role: 'alert'}, meaning),
      h('p', {class: 'hint'}, 'Error code: ', h('code', {}, code)),
      h('div', {class: 'actions actions-start'},
        h('a', {class: 'btn btn-primary', href: '/ui/login'}, 'Back to log in'),
        params.provider === 'github' && code !== 'email_taken'
          ? h('a', {class: 'btn btn-github', href: '/v1/auth/oauth/github'}, 'Try GitHub again') : null)));
  },
};
