// A tiny logging HTTP proxy for debugging a client against the emulator: every
// request (method, path exactly as sent, status, start of the response body) is
// appended to a log file. Used by sfcli.test.mjs when CONFORMANCE_PROXY_LOG is set,
// or standalone:  node proxy.mjs http://127.0.0.1:PORT /tmp/requests.log
import http from 'node:http';
import fs from 'node:fs';

export function startProxy(target, logFile) {
  const t = new URL(target);
  const log = (line) => fs.appendFileSync(logFile, line + '\n');
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const headers = { ...req.headers, host: t.host };
      const up = http.request(
        { host: t.hostname, port: t.port, method: req.method, path: req.url, headers },
        (upRes) => {
          const out = [];
          upRes.on('data', (c) => out.push(c));
          upRes.on('end', () => {
            const buf = Buffer.concat(out);
            log(
              `${req.method} ${req.url}` +
                (body.length ? `\n  > ${body.toString().slice(0, 500)}` : '') +
                `\n  < ${upRes.statusCode} ${upRes.headers['content-type'] || ''} ${buf.toString().slice(0, 800)}`,
            );
            res.writeHead(upRes.statusCode, upRes.headers);
            res.end(buf);
          });
        },
      );
      up.on('error', (e) => {
        log(`${req.method} ${req.url}\n  < proxy error: ${e.message}`);
        res.writeHead(502);
        res.end();
      });
      up.end(body);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() });
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [target, logFile] = process.argv.slice(2);
  const p = await startProxy(target, logFile || '/dev/stderr');
  console.log(p.url);
}
