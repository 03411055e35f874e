// The hand-written comparison: the same full onboarding as IamOnboard's pipeline, with the AWS SDK for JavaScript v3,
// a fixed number of workers each taking the next user, TOTP codes from node's crypto.
//
//   node onboard.mjs --endpoint URL --users 200 --concurrency 4 --group bench-group [--prefix bench-user-]
//
// Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. Prints one JSON line: wall time and failures.
import { createHmac, randomInt } from 'node:crypto';
import {
  IAMClient,
  CreateUserCommand,
  CreateLoginProfileCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  AddUserToGroupCommand,
  CreateVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
} from '@aws-sdk/client-iam';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, value, i, all) => (i % 2 === 0 ? [...pairs, [value.replace(/^--/, ''), all[i + 1]]] : pairs), []),
);
const endpoint = args.endpoint;
const users = Number(args.users ?? 200);
const concurrency = Number(args.concurrency ?? 4);
const group = args.group ?? 'bench-group';
const prefix = args.prefix ?? 'bench-user-';
if (!endpoint) {
  console.error('--endpoint is required');
  process.exit(2);
}

const iam = new IAMClient({
  endpoint,
  region: 'us-east-1',
  maxAttempts: 3,
  credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY },
});

const changePasswordArn = 'arn:aws:iam::aws:policy/IAMUserChangePassword';

function password() {
  const sets = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '!@#$%^&*()-_=+'];
  const all = sets.join('');
  const chars = sets.map((set) => set[randomInt(set.length)]);
  while (chars.length < 20) chars.push(all[randomInt(all.length)]);
  return chars.join('');
}

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of text.replace(/=+$/, '').toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

function totp(key, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const hmac = createHmac('sha1', key).update(counter).digest();
  const offset = hmac[hmac.length - 1] & 0x0f;
  const code = (hmac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return code.toString().padStart(6, '0');
}

// Like IamOnboard's unattended enrolment: code 1 for the previous 30 s step and code 2 for the current one, both
// valid now, so nothing waits for a step to begin.
function consecutiveCodes(key) {
  const step = Math.floor(Date.now() / 30000);
  return [totp(key, step - 1), totp(key, step)];
}

async function onboard(userName) {
  await iam.send(new CreateUserCommand({ UserName: userName, Tags: [{ Key: 'team', Value: 'bench' }, { Key: 'cost-center', Value: '1001' }] }));
  await iam.send(new CreateLoginProfileCommand({ UserName: userName, Password: password(), PasswordResetRequired: true }));
  await iam.send(new AttachUserPolicyCommand({ UserName: userName, PolicyArn: changePasswordArn }));
  await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
  await iam.send(new AddUserToGroupCommand({ GroupName: group, UserName: userName }));
  const device = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: userName }));
  const seed = Buffer.from(device.VirtualMFADevice.Base32StringSeed).toString('ascii');
  const [code1, code2] = consecutiveCodes(base32Decode(seed));
  await iam.send(new EnableMFADeviceCommand({
    UserName: userName,
    SerialNumber: device.VirtualMFADevice.SerialNumber,
    AuthenticationCode1: code1,
    AuthenticationCode2: code2,
  }));
}

const names = Array.from({ length: users }, (_, i) => `${prefix}${String(i + 1).padStart(6, '0')}`);
let next = 0;
const failures = [];
// The timer holds the first call on a fresh connection, as IamOnboard's holds Connect-Onboard's.
const started = process.hrtime.bigint();
await Promise.all(Array.from({ length: concurrency }, async () => {
  while (next < names.length) {
    const name = names[next++];
    try {
      await onboard(name);
    } catch (error) {
      failures.push(`${name}: ${error.name}: ${error.message}`);
    }
  }
}));
const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(JSON.stringify({ tool: 'aws-sdk-js-v3', users, concurrency, wallSeconds, failed: failures.length, failures: failures.slice(0, 5) }));
process.exit(failures.length ? 1 : 0);
