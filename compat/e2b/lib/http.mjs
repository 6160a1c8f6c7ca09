// Plain HTTP to the Wrenn server with headers the SDK's fetch cannot set (Host), for getHost and the proxy.
import http from 'node:http';

/** GET base + path with the given headers (Host included), resolving to {status, headers, body}. */
export function get(base, path, headers = {}) {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'GET', headers, agent: false },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error(`GET ${path}: no answer within 30 s`)));
    req.on('error', reject);
    req.end();
  });
}

/** Headers that route a request through the proxy's one base URL to port 49983 (envd) of a sandbox. */
export function envdHeaders(sandboxId, token) {
  const h = { 'E2b-Sandbox-Id': sandboxId, 'E2b-Sandbox-Port': '49983' };
  if (token !== undefined) h['X-Access-Token'] = token;
  return h;
}
