// Things that update by themselves: polling that rests while the tab is hidden, and a polite announcer for changes a
// screen reader user would otherwise miss.

/**
 * Calls {@code task} now and every {@code ms} while the page is visible (and at once when it becomes visible
 * again). Returns a function that stops it. A slow call never overlaps the next.
 */
export function poll(task, ms) {
  let stopped = false;
  let timer = null;
  let running = false;
  const tick = async () => {
    clearTimeout(timer);
    if (stopped || document.hidden || running) return;
    running = true;
    try {
      await task();
    } catch (e) {
      console.warn('poll failed', e);
    } finally {
      running = false;
      if (!stopped && !document.hidden) timer = setTimeout(tick, ms);
    }
  };
  const visibility = () => {
    if (!document.hidden) tick();
  };
  document.addEventListener('visibilitychange', visibility);
  tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
    document.removeEventListener('visibilitychange', visibility);
  };
}

let region = null;

/** Says {@code message} through a polite live region (shared by the whole app). */
export function announce(message) {
  if (!region) {
    region = document.createElement('div');
    region.className = 'visually-hidden';
    region.setAttribute('aria-live', 'polite');
    region.setAttribute('role', 'status');
    document.body.append(region);
  }
  region.textContent = '';
  // A new text node in a later frame is announced even when the message repeats.
  requestAnimationFrame(() => {
    region.textContent = message;
  });
}

let pending = null;

/** A message for the next page to show (after a redirect: "Sandbox destroyed"). */
export function flash(message) {
  pending = message;
}

export function takeFlash() {
  const m = pending;
  pending = null;
  return m;
}
