// node server.mjs  (Node 18 or later; beside index.html and iwg.js)
import http from 'node:http';
import fs from 'node:fs';

const files = { '/': ['index.html', 'text/html'], '/iwg.js': ['iwg.js', 'text/javascript'] };

http.createServer(async (req, res) => {
  if (req.method === 'POST' && req.url === '/credential') {
    const user = 'ann'; // the user your own sign-in identified, never a name the browser sent
    const r = await fetch(`${process.env.IWG_ADMIN_URL}/api/v1/credentials`, {
      method: 'POST',
      headers: { authorization: `Bearer ${process.env.IWG_APP_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ user }),
    });
    res.writeHead(r.status, { 'content-type': 'application/json' }).end(await r.text());
  } else if (files[req.url]) {
    res.writeHead(200, { 'content-type': files[req.url][1] });
    fs.createReadStream(files[req.url][0]).pipe(res);
  } else {
    res.writeHead(404).end();
  }
}).listen(process.env.PORT || 3000);
