// The local endpoint alone: signed IAM GetUser requests from one client process, as fast as they are answered.
//
//   node getuser-loop.mjs --endpoint URL --user NAME --seconds 5 [--inflight 1]
//
// Every request is signed anew (SigV4, node's crypto) and sent on a keep-alive connection; --inflight N keeps N
// requests outstanding on N connections (1: one request after another). Stops after --seconds or --max requests.
// Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. Prints one JSON line.
import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, value, i, all) => (i % 2 === 0 ? [...pairs, [value.replace(/^--/, ''), all[i + 1]]] : pairs), []),
);
const endpoint = new URL(args.endpoint);
const userName = args.user;
const seconds = Number(args.seconds ?? 5);
const maxRequests = Number(args.max ?? 1_000_000);
const inflight = Number(args.inflight ?? 1);
const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
const region = 'us-east-1';
const service = 'iam';

const hmac = (key, text) => createHmac('sha256', key).update(text).digest();
const sha256 = (text) => createHash('sha256').update(text).digest('hex');

function signedRequest() {
  const body = `Action=GetUser&UserName=${encodeURIComponent(userName)}&Version=2010-05-08`;
  const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const date = amzDate.slice(0, 8);
  const host = endpoint.host;
  const contentType = 'application/x-www-form-urlencoded; charset=utf-8';
  const signedHeaders = 'content-type;host;x-amz-date';
  const canonical = ['POST', '/', '', `content-type:${contentType}`, `host:${host}`, `x-amz-date:${amzDate}`, '', signedHeaders, sha256(body)].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), 'aws4_request');
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  return {
    body,
    headers: {
      'content-type': contentType,
      'content-length': Buffer.byteLength(body),
      'x-amz-date': amzDate,
      authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    },
  };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: inflight });

function send() {
  const { body, headers } = signedRequest();
  return new Promise((resolve, reject) => {
    const request = http.request({ host: endpoint.hostname, port: endpoint.port, path: '/', method: 'POST', headers, agent }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

// One request first: it must succeed, or the figure would be of errors.
const first = await send();
if (first.status !== 200 || !first.text.includes('<GetUserResult>')) {
  console.error(`GetUser failed: HTTP ${first.status}: ${first.text.slice(0, 300)}`);
  process.exit(1);
}

let ok = 0;
let failed = 0;
const deadline = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
const started = process.hrtime.bigint();
await Promise.all(Array.from({ length: inflight }, async () => {
  while (ok + failed < maxRequests && process.hrtime.bigint() < deadline) {
    const answer = await send();
    if (answer.status === 200) ok++; else failed++;
  }
}));
const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
agent.destroy();
console.log(JSON.stringify({ client: 'node-sigv4-keepalive', inflight, requests: ok + failed, failed, seconds: elapsed, requestsPerSecond: (ok + failed) / elapsed }));
process.exit(failed ? 1 : 0);
