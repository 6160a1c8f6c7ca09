// The public API, called exactly as any client calls it: the session token in Authorization, JSON in and out, the
// error envelope {"error":{"code","message"}} turned into an ApiError. A 401 on a signed-in call ends the session.

import * as session from './session.js';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function failure(res) {
  let code = 'http_' + res.status;
  let message = `The server answered ${res.status} ${res.statusText}`.trim();
  try {
    const body = await res.json();
    if (body && body.error) {
      code = body.error.code || code;
      message = body.error.message || message;
    }
  } catch {
    // not the envelope: keep the status line
  }
  return new ApiError(res.status, code, message);
}

/**
 * Calls the API. Options: method, json (a body to send as JSON), body (sent as it is, e.g. FormData), query (an
 * object or URLSearchParams), auth (false for sign-up and login), raw (the Response itself, for downloads and
 * streams), signal. Resolves to the parsed JSON, null for an empty answer, or the Response when raw.
 */
export async function api(path, options = {}) {
  const {method = 'GET', json, body, query, auth = true, raw = false, signal} = options;
  const headers = new Headers();
  if (auth) {
    const token = session.token();
    if (!token) throw new ApiError(401, 'unauthorized', 'Your session has ended.');
    headers.set('Authorization', `Bearer ${token}`);
  }
  let payload = body;
  if (json !== undefined) {
    headers.set('Content-Type', 'application/json');
    payload = JSON.stringify(json);
  }
  let url = path;
  if (query) {
    const q = query instanceof URLSearchParams ? query : new URLSearchParams(query);
    if ([...q.keys()].length) url += (url.includes('?') ? '&' : '?') + q;
  }
  let res;
  try {
    res = await fetch(url, {method, headers, body: payload, signal});
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', 'The server could not be reached. Check your connection and try again.');
  }
  if (res.status === 401 && auth) {
    session.end('refused');
    throw new ApiError(401, 'unauthorized', 'Your session has ended.');
  }
  if (!res.ok) throw await failure(res);
  if (raw) return res;
  if (res.status === 204) return null;
  const type = res.headers.get('Content-Type') || '';
  return type.includes('json') ? res.json() : res;
}

/** The path of a route under one sandbox, its id escaped. */
export function sandboxPath(id, rest = '') {
  return `/v1/sandboxes/${encodeURIComponent(id)}${rest}`;
}

/**
 * A WebSocket to one of the API's socket routes. A browser cannot set headers on the upgrade, so the session token
 * goes as the subprotocol wrenn.bearer.<token>, offered beside 'wrenn', which is what the server answers with.
 */
export function socket(path, query) {
  const token = session.token();
  if (!token) throw new ApiError(401, 'unauthorized', 'Your session has ended.');
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const q = query ? '?' + new URLSearchParams(query) : '';
  return new WebSocket(`${scheme}//${location.host}${path}${q}`, ['wrenn', `wrenn.bearer.${token}`]);
}
