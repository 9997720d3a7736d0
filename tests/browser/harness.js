// Test fixtures for the console's browser tests: a `terrane serve` on 127.0.0.1:0 with a
// temp data dir (as tests/integration/terrane_harness.py), a real git repository holding a
// terraform_data configuration, a REST client, and the system Chromium through playwright-core.
import {spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import {createRequire} from 'node:module';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

const START_TIMEOUT_MS = 30000;
const STOP_TIMEOUT_MS = 20000;

export const MAIN_TF = `resource "terraform_data" "first" {
  input = "hello"
}

resource "terraform_data" "second" {
  input = "\${terraform_data.first.output}-2"
}

output "value" {
  value = terraform_data.second.output
}

output "token" {
  value     = "not-for-screens"
  sensitive = true
}
`;

// playwright-core from the npm directory run.sh installed (NODE_MODULES_DIR), not the sources.
export function playwright() {
  const dir = process.env.NODE_MODULES_DIR;
  if (!dir) throw new Error('NODE_MODULES_DIR is not set: run the tests through run.sh');
  return createRequire(path.join(dir, 'noop.js'))('playwright-core');
}

// Headless Chromium that talks to nothing but the server: no sync, updates, field trials.
export async function launchBrowser() {
  const {chromium} = playwright();
  return chromium.launch({
    executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-dev-shm-usage',
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-default-apps',
      '--disable-sync',
      '--disable-domain-reliability',
      '--disable-client-side-phishing-detection',
      '--metrics-recording-only',
      '--disable-breakpad',
      '--password-store=basic',
      '--disable-features=Translate,OptimizationHints,MediaRouter,' +
        'DialMediaRouteProvider,AutofillServerCommunication,' +
        'CertificateTransparencyComponentUpdater',
    ],
  });
}

function git(cwd, ...args) {
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@example.com',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@example.com',
  };
  const out = spawnSync('git', args, {cwd, env, encoding: 'utf8'});
  if (out.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${out.stderr}`);
  return out.stdout.trim();
}

export function makeRepo(root, files) {
  const dir = path.join(root, 'infra');
  fs.mkdirSync(dir);
  git(dir, 'init', '-q', '-b', 'main');
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'infra');
  return dir;
}

export class TerraneServer {
  constructor() {
    this.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'terrane-browser-'));
    this.dataDir = path.join(this.tmp, 'data');
    this.logPath = path.join(this.tmp, 'server.log');
    // terraform warns about a missing CLI config; runs inherit this empty one.
    const rc = path.join(this.tmp, 'terraformrc');
    fs.writeFileSync(rc, '');
    this.env = {...process.env, TF_CLI_CONFIG_FILE: rc, CHECKPOINT_DISABLE: '1'};
  }

  async start() {
    const bin = process.env.TERRANE_BIN;
    if (!bin || !fs.existsSync(bin)) throw new Error(`terrane binary not found: ${bin}`);
    const log = fs.openSync(this.logPath, 'a');
    this.proc = spawn(
      bin,
      ['serve', '--listen', '127.0.0.1:0', '--data-dir', this.dataDir, '--cancel-grace', '5'],
      {env: this.env, stdio: ['ignore', 'pipe', log]},
    );
    const lines = readline.createInterface({input: this.proc.stdout});
    this.baseUrl = await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no "listening on" line\n${this.logTail()}`)),
        START_TIMEOUT_MS,
      );
      lines.on('line', (line) => {
        const m = /^listening on (http:\/\/127\.0\.0\.1:[0-9]+)\s*$/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      this.proc.on('exit', (code) =>
        reject(new Error(`terrane serve exited ${code}\n${this.logTail()}`)),
      );
    });
    this.key = fs.readFileSync(path.join(this.dataDir, 'admin-api-key'), 'utf8').trim();
    return this;
  }

  logTail() {
    try {
      return fs.readFileSync(this.logPath, 'utf8').split('\n').slice(-40).join('\n');
    } catch {
      return '(no server log)';
    }
  }

  // SIGTERM and wait; SIGKILL when it does not exit in time. Removes the temp dir.
  async stop() {
    if (this.proc && this.proc.exitCode === null) {
      const exited = new Promise((resolve) => this.proc.once('exit', resolve));
      this.proc.kill('SIGTERM');
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(this.tmp, {recursive: true, force: true});
  }

  // A REST call with the admin key; resolves to {status, headers, body}.
  async api(method, p, body) {
    const headers = {'x-api-key': this.key, 'Harness-Account': 'default'};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(this.baseUrl + p, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return {status: res.status, headers: res.headers, body: parsed};
  }

  // Writes a state through the terraform backend, as terraform does (Basic auth).
  async pushState(ws, state) {
    const auth = 'Basic ' + Buffer.from(`harness:${this.key}`).toString('base64');
    const res = await fetch(
      `${this.baseUrl}${W}/${ws}/terraform-backend?accountIdentifier=default`,
      {
        method: 'POST',
        headers: {Authorization: auth, 'Content-Type': 'application/json'},
        body: JSON.stringify(state),
      },
    );
    if (res.status !== 200)
      throw new Error(`state push to ${ws}: ${res.status} ${await res.text()}`);
  }
}

export const W = '/iacm/api/orgs/default/projects/default/workspaces';

export function terraformProblem() {
  const out = spawnSync('terraform', ['version'], {encoding: 'utf8'});
  if (out.error) return `terraform is not on PATH: ${out.error.message}`;
  return null;
}
