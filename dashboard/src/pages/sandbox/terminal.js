// A shell in the browser: xterm.js (loaded only here, so the other pages stay small) over the API's terminal
// WebSocket. Binary frames carry the terminal's bytes both ways; text frames the control messages.

import {sandboxPath, socket} from '../../lib/api.js';
import {h} from '../../lib/dom.js';

const XTERM = '/ui/vendor/xterm/lib/xterm.mjs';
const FIT = '/ui/vendor/addon-fit/lib/addon-fit.mjs';
const CSS = '/ui/vendor/xterm/css/xterm.css';

function stylesheet() {
  if (document.querySelector(`link[href="${CSS}"]`)) return;
  document.head.append(h('link', {rel: 'stylesheet', href: CSS}));
}

export function mountTerminal(panel, id) {
  const status = h('p', {class: 'term-status', role: 'status'}, 'Loading the terminal…');
  const reconnect = h('button', {type: 'button', class: 'btn btn-small', hidden: true}, 'Reconnect');
  const box = h('div', {class: 'term-box'});
  panel.append(
    h('div', {class: 'term-bar'}, status, reconnect),
    box,
    h('p', {class: 'hint'}, 'A login shell (bash) as root. Tab completes in the shell; to move focus out of the '
      + 'terminal, press Escape, then Tab.'));
  const encoder = new TextEncoder();
  let term = null;
  let fit = null;
  let ws = null;
  let disposed = false;
  let observer = null;
  let escaped = false;

  function send(bytes) {
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(bytes);
  }

  function control(msg) {
    if (msg.type === 'start') status.textContent = `Connected: shell running (pid ${msg.pid}).`;
    else if (msg.type === 'exit') status.textContent = `The shell exited with code ${msg.exit_code}.`;
    else if (msg.type === 'error') status.textContent = `Terminal error: ${msg.data}`;
  }

  function connect() {
    reconnect.hidden = true;
    status.textContent = 'Connecting…';
    ws = socket(sandboxPath(id, '/terminal'), {cols: term.cols, rows: term.rows});
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => {
      if (!disposed) term.focus();
    };
    ws.onmessage = (e) => {
      if (typeof e.data === 'string') {
        try {
          control(JSON.parse(e.data));
        } catch {
          // not a control message
        }
      } else {
        term.write(new Uint8Array(e.data));
      }
    };
    ws.onclose = (e) => {
      if (disposed) return;
      if (!status.textContent.startsWith('The shell exited')) {
        status.textContent = e.code === 1006 ? 'The connection was refused or lost.'
          : `Disconnected${e.reason ? `: ${e.reason}` : ''}.`;
      }
      reconnect.hidden = false;
    };
  }

  reconnect.addEventListener('click', () => {
    term.reset();
    connect();
  });

  (async () => {
    stylesheet();
    const [{Terminal}, {FitAddon}] = await Promise.all([import(XTERM), import(FIT)]);
    if (disposed) return;
    term = new Terminal({
      cursorBlink: true,
      fontSize: 14,
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
      theme: {background: '#0f172a', foreground: '#e2e8f0', cursor: '#93c5fd'},
    });
    fit = new FitAddon();
    term.loadAddon(fit);
    term.open(box);
    fit.fit();
    // Keyboard users need a way out: Escape then Tab leaves, as a plain Tab is the shell's completion.
    term.attachCustomKeyEventHandler((ev) => {
      if (ev.type !== 'keydown') return true;
      if (ev.key === 'Escape') {
        escaped = true;
        return true;
      }
      if (ev.key === 'Tab' && escaped) {
        escaped = false;
        return false;
      }
      escaped = false;
      return true;
    });
    term.onData((d) => send(encoder.encode(d)));
    term.onBinary((d) => send(Uint8Array.from(d, (c) => c.charCodeAt(0))));
    term.onResize(({cols, rows}) => {
      if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({type: 'resize', cols, rows}));
    });
    observer = new ResizeObserver(() => {
      if (!panel.hidden) fit.fit();
    });
    observer.observe(box);
    connect();
  })().catch((e) => {
    status.textContent = `The terminal could not be loaded: ${e.message}`;
  });

  return {
    shown() {
      if (fit) fit.fit();
      if (term) term.focus();
    },
    dispose() {
      disposed = true;
      if (observer) observer.disconnect();
      if (ws) ws.close(1000, 'closed by the dashboard');
      if (term) term.dispose();
    },
  };
}
