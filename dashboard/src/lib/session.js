// The signed-in user's session: the token the API's login gave, kept in sessionStorage (one tab's lifetime, never
// sent anywhere but this server's API). The dashboard uses it for every call; API keys are for programs.

const KEY = 'wrenn.session';
let ended = () => {};
let timer = null;

/** What the app does when the session ends on its own (expired, or refused by the server): set once at start. */
export function onEnd(handler) {
  ended = handler;
}

/** The token's expiry (seconds since the epoch) from its payload; the server remains the judge of validity. */
export function expiry(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const payload = JSON.parse(atob(part.padEnd(part.length + ((4 - (part.length % 4)) % 4), '=')));
    return typeof payload.exp === 'number' ? payload.exp : null;
  } catch {
    return null;
  }
}

function stored() {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY));
    return s && typeof s.token === 'string' ? s : null;
  } catch {
    return null;
  }
}

/** The current session, or null; a stored session whose token has expired ends here, with the reason 'expired'. */
export function current() {
  const s = stored();
  if (!s) return null;
  const exp = expiry(s.token);
  if (exp !== null && exp * 1000 <= Date.now()) {
    end('expired');
    return null;
  }
  watch(exp);
  return s;
}

/** Starts a session from the API's AuthResponse (or the OAuth redirect's query, which has the same fields). */
export function start({token, email, user_id: userId, team_id: teamId}) {
  sessionStorage.setItem(KEY, JSON.stringify({token, email, user_id: userId, team_id: teamId}));
  watch(expiry(token));
}

/** Ends the session: 'logout' (the user's choice), 'expired' (its time ran out) or 'refused' (the server said 401). */
export function end(reason) {
  const had = stored() !== null;
  sessionStorage.removeItem(KEY);
  clearTimeout(timer);
  timer = null;
  if (had || reason === 'logout') ended(reason);
}

export function token() {
  const s = current();
  return s ? s.token : null;
}

// An open page notices the expiry without waiting for its next request.
function watch(exp) {
  clearTimeout(timer);
  if (exp === null) return;
  const ms = exp * 1000 - Date.now();
  // setTimeout holds at most about 24.8 days; a session lasts hours.
  if (ms < 2 ** 31) timer = setTimeout(() => end('expired'), Math.max(ms, 0));
}
