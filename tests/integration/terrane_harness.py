"""Black-box harness for Terrane's integration tests.

Starts `terrane serve --listen 127.0.0.1:0 --data-dir <tmp>` as a subprocess, learns the port
from its `listening on http://127.0.0.1:PORT` line and the admin key from <tmp>/admin-api-key,
and offers small HTTP clients for the REST API and the terraform state routes. Python standard
library only. The binary comes from $TERRANE_BIN (fallback: <repo>/build/terrane).
"""

import base64
import hashlib
import http.client
import json
import os
import pathlib
import queue
import re
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest
import uuid

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
ACCOUNT = "default"
ORG = "default"
PROJECT = "default"

START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 20.0
REQUEST_TIMEOUT_S = 120.0
LISTEN_RE = re.compile(r"^listening on http://([0-9.]+):([0-9]+)\s*$")
GOA_KEYS = {"name", "id", "message", "temporary", "timeout", "fault"}
GOA_CONTENT_TYPE = "application/vnd.goa.error"

_DEFAULT = object()


def terrane_bin():
    """Path of the terrane binary; fails loudly when it is missing."""
    path = os.path.abspath(os.environ.get("TERRANE_BIN") or str(REPO_ROOT / "build" / "terrane"))
    if not os.path.isfile(path) or not os.access(path, os.X_OK):
        raise AssertionError(
            f"terrane binary not found or not executable at {path!r} "
            "(set TERRANE_BIN or build the `terrane` target into build/)")
    return path


def run_cli(*args, timeout=60, check=True):
    """Runs `terrane <args>`; returns the CompletedProcess (text mode)."""
    proc = subprocess.run([terrane_bin(), *args], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)
    if check and proc.returncode != 0:
        raise AssertionError(
            f"terrane {' '.join(args)} exited {proc.returncode}\n"
            f"stdout: {proc.stdout}\nstderr: {proc.stderr}")
    return proc


def now_ms():
    return int(time.time() * 1000)


# ---------------------------------------------------------------------------------------------
# Paths

def ws_base(org=ORG, project=PROJECT, prefix="/iacm/api"):
    return f"{prefix}/orgs/{org}/projects/{project}/workspaces"


def ws_path(ws, org=ORG, project=PROJECT, prefix="/iacm/api"):
    return f"{ws_base(org, project, prefix)}/{ws}"


def state_path(ws, org=ORG, project=PROJECT, account=ACCOUNT, query_first=None):
    """S: the terraform-backend address. `query_first` is put before accountIdentifier, as Go's
    query encoder does for `ID`."""
    q = f"accountIdentifier={account}"
    if query_first:
        q = f"{query_first}&{q}"
    return f"{ws_path(ws, org, project)}/terraform-backend?{q}"


def lock_path(ws, org=ORG, project=PROJECT, account=ACCOUNT):
    """L: the terraform-backend lock address."""
    return f"{ws_path(ws, org, project)}/terraform-backend/lock?accountIdentifier={account}"


# ---------------------------------------------------------------------------------------------
# State bodies

def lock_info(lock_id=None, operation="OperationTypeApply", who="tester@integration"):
    """A terraform 1.11.4-shaped LockInfo body (bytes, one line, key order as terraform's)."""
    lock_id = lock_id or str(uuid.uuid4())
    body = ('{"ID":"%s","Operation":"%s","Info":"","Who":"%s","Version":"1.11.4",'
            '"Created":"2026-12-03T18:15:40.578496715Z","Path":""}' % (lock_id, operation, who))
    return lock_id, body.encode()


def managed_resource(name, rtype="terraform_data", attrs=None, sensitive_attributes=None):
    return {
        "mode": "managed",
        "type": rtype,
        "name": name,
        "provider": "provider[\"terraform.io/builtin/terraform\"]",
        "instances": [{
            "schema_version": 0,
            "attributes": attrs if attrs is not None else {
                "id": str(uuid.uuid5(uuid.NAMESPACE_URL, name)),
                "input": None, "output": None, "triggers_replace": None},
            "sensitive_attributes": sensitive_attributes or [],
        }],
    }


def data_resource(name, rtype="terraform_remote_state"):
    return {
        "mode": "data",
        "type": rtype,
        "name": name,
        "provider": "provider[\"terraform.io/builtin/terraform\"]",
        "instances": [{"schema_version": 0, "attributes": {"backend": "local"},
                       "sensitive_attributes": []}],
    }


def state_doc(serial, lineage, managed=0, outputs=None, resources=None, extra=None):
    """A v4 state file as terraform writes it (2-space indent, trailing newline), as bytes."""
    if resources is None:
        resources = [managed_resource(f"r{i}") for i in range(managed)]
    doc = {
        "version": 4,
        "terraform_version": "1.11.4",
        "serial": serial,
        "lineage": lineage,
        "outputs": outputs or {},
        "resources": resources,
        "check_results": None,
    }
    if extra:
        doc.update(extra)
    return (json.dumps(doc, indent=2) + "\n").encode()


def big_state_chunks(total, chunk=1 << 20):
    """Yields a valid v4 state of exactly `total` bytes in ~1 MiB chunks, deterministically."""
    prefix = (b'{\n  "version": 4,\n  "terraform_version": "1.11.4",\n  "serial": 1,\n'
              b'  "lineage": "5b1f8c1e-7a3d-4e2b-9f00-1c2d3e4f5a6b",\n  "outputs": {},\n'
              b'  "resources": [\n    {"mode": "managed", "type": "terraform_data", '
              b'"name": "big", "provider": "provider[\\"terraform.io/builtin/terraform\\"]", '
              b'"instances": [{"schema_version": 0, "attributes": {"id": "big", "input": '
              b'{"value": "')
    suffix = (b'", "type": "string"}, "output": null, "triggers_replace": null}, '
              b'"sensitive_attributes": []}]}\n  ],\n  "check_results": null\n}\n')
    pad = total - len(prefix) - len(suffix)
    assert pad > 0
    block = hashlib.sha512(b"terrane").hexdigest().encode() * (chunk // 128)
    yield prefix
    i = 0
    while pad > 0:
        piece = (b"%012d" % i + block)[:min(chunk, pad)]
        pad -= len(piece)
        i += 1
        yield piece
    yield suffix


def digest_of(chunks):
    md5, sha = hashlib.md5(), hashlib.sha256()
    n = 0
    for c in chunks:
        md5.update(c)
        sha.update(c)
        n += len(c)
    return base64.b64encode(md5.digest()).decode(), sha.hexdigest(), n


def md5_b64(data):
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def basic_auth(password, username="harness"):
    raw = f"{username}:{password}".encode()
    return "Basic " + base64.b64encode(raw).decode()


# ---------------------------------------------------------------------------------------------
# HTTP

class Response:
    """status, headers (lower-cased names), raw body bytes, and `body` parsed when JSON."""

    def __init__(self, status, headers, raw):
        self.status = status
        self.headers = headers
        self.raw = raw
        self.body = raw
        ctype = headers.get("content-type", "")
        if raw and ("json" in ctype or ctype.startswith(GOA_CONTENT_TYPE)):
            try:
                self.body = json.loads(raw)
            except ValueError:
                self.body = raw

    def __iter__(self):  # allows `status, headers, body = resp`
        return iter((self.status, self.headers, self.body))

    def __repr__(self):
        return f"<Response {self.status} {self.headers.get('content-type')} {self.raw[:300]!r}>"


def _headers_dict(msg):
    out = {}
    for k, v in msg.items():
        k = k.lower()
        out[k] = f"{out[k]}, {v}" if k in out else v
    return out


def send_request(conn, method, path, body=None, headers=None):
    """Sends one request on `conn` and reads the whole response. A server that answers early
    (413) and closes while the body is still going out is tolerated."""
    headers = dict(headers or {})
    try:
        if body is None or isinstance(body, (bytes, bytearray)):
            conn.request(method, path, body=body, headers=headers)
        else:
            conn.request(method, path, body=body, headers=headers,
                         encode_chunked="Transfer-Encoding" in headers)
    except (BrokenPipeError, ConnectionResetError):
        pass
    resp = conn.getresponse()
    raw = resp.read()
    return Response(resp.status, _headers_dict(resp.headers), raw)


class Client:
    """REST client for one server. `key`/`account` default to the client's; pass None to omit
    the header."""

    def __init__(self, host, port, key, account=ACCOUNT):
        self.host = host
        self.port = port
        self.key = key
        self.account = account

    @property
    def base_url(self):
        return f"http://{self.host}:{self.port}"

    def connection(self, timeout=REQUEST_TIMEOUT_S):
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None):
        """One raw request on a fresh connection; no auth headers added."""
        conn = self.connection()
        try:
            return send_request(conn, method, path, body, headers)
        finally:
            conn.close()

    def api(self, method, path, body=None, headers=None, key=_DEFAULT, account=_DEFAULT):
        """REST call with x-api-key and Harness-Account. dict/list bodies are sent as JSON."""
        h = {}
        key = self.key if key is _DEFAULT else key
        account = self.account if account is _DEFAULT else account
        if key is not None:
            h["x-api-key"] = key
        if account is not None:
            h["Harness-Account"] = account
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        elif isinstance(body, str):
            body = body.encode()
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        return self.request(method, path, body, h)

    def state(self, method, path, body=None, headers=None, password=_DEFAULT,
              username="harness"):
        """terraform-backend call with HTTP Basic auth, as terraform sends it."""
        h = {}
        password = self.key if password is _DEFAULT else password
        if password is not None:
            h["Authorization"] = basic_auth(password, username)
        if body is not None:
            h["Content-Type"] = "application/json"
            if isinstance(body, (bytes, bytearray)):
                h["Content-Md5"] = md5_b64(bytes(body))
        h.update(headers or {})
        return self.request(method, path, body, h)

    # Convenience wrappers ------------------------------------------------------------------

    def create_workspace(self, identifier, name=None, org=ORG, project=PROJECT, **fields):
        body = {"identifier": identifier, "name": name or identifier,
                "provisioner": "terraform"}
        body.update(fields)
        r = self.api("POST", ws_base(org, project), body)
        if r.status != 200:
            raise AssertionError(f"creating workspace {identifier}: {r}")
        return r

    def get_workspace(self, identifier, org=ORG, project=PROJECT):
        r = self.api("GET", ws_path(identifier, org, project))
        if r.status != 200:
            raise AssertionError(f"getting workspace {identifier}: {r}")
        return r.body

    def create_org(self, identifier, name=None):
        r = self.api("POST", "/v1/orgs", {"org": {"identifier": identifier,
                                                    "name": name or identifier}})
        if r.status != 201:
            raise AssertionError(f"creating org {identifier}: {r}")
        return r

    def create_project(self, org, identifier, name=None):
        r = self.api("POST", f"/v1/orgs/{org}/projects",
                     {"project": {"identifier": identifier, "name": name or identifier}})
        if r.status != 201:
            raise AssertionError(f"creating project {org}/{identifier}: {r}")
        return r

    def put_state(self, ws, body, lock_id=None, org=ORG, project=PROJECT, method="POST"):
        q = f"ID={lock_id}" if lock_id else None
        return self.state(method, state_path(ws, org, project, query_first=q), body)

    def get_state(self, ws, org=ORG, project=PROJECT):
        return self.state("GET", state_path(ws, org, project))

    def versions(self, ws, org=ORG, project=PROJECT, query=""):
        r = self.api("GET", f"{ws_path(ws, org, project)}/state-versions{query}")
        if r.status != 200:
            raise AssertionError(f"listing state versions of {ws}: {r}")
        return r.body


def upload_streamed(client, path, total, method="POST"):
    """Streams big_state_chunks(total) to `path` with Content-Length and Content-Md5, as
    terraform sends large states. Returns (status, response body, sha256 hex, seconds)."""
    md5, sha, n = digest_of(big_state_chunks(total))
    assert n == total
    conn = client.connection(timeout=600)
    try:
        t0 = time.perf_counter()
        conn.putrequest(method, path)
        conn.putheader("Authorization", basic_auth(client.key))
        conn.putheader("Content-Type", "application/json")
        conn.putheader("Content-Length", str(total))
        conn.putheader("Content-Md5", md5)
        conn.endheaders()
        try:
            for c in big_state_chunks(total):
                conn.send(c)
        except (BrokenPipeError, ConnectionResetError):
            pass
        resp = conn.getresponse()
        body = resp.read()
        return resp.status, body, sha, time.perf_counter() - t0
    finally:
        conn.close()


def download_sha256(client, path):
    """GETs `path` with Basic auth, hashing while reading. Returns (status, sha256 hex, bytes,
    seconds)."""
    conn = client.connection(timeout=600)
    try:
        t0 = time.perf_counter()
        conn.request("GET", path, headers={"Authorization": basic_auth(client.key)})
        resp = conn.getresponse()
        sha, n = hashlib.sha256(), 0
        while True:
            c = resp.read(1 << 20)
            if not c:
                break
            sha.update(c)
            n += len(c)
        return resp.status, sha.hexdigest(), n, time.perf_counter() - t0
    finally:
        conn.close()


# ---------------------------------------------------------------------------------------------
# The server process

class TerraneServer:
    """One `terrane serve` process on 127.0.0.1:0 with its own data directory."""

    def __init__(self, extra_args=(), data_dir=None, cwd=None):
        """`cwd` is the server's working directory; a relative `data_dir` is taken from it."""
        self.extra_args = list(extra_args)
        self._tmp = None
        if data_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="terrane-it-")
            data_dir = os.path.join(self._tmp.name, "data")
        self.cwd = cwd
        self.data_dir = data_dir
        self.log_path = os.path.join(cwd or "", data_dir.rstrip("/") + "-server.log")
        self.proc = None
        self.host = None
        self.port = None
        self.stdout_lines = []
        self._lines = queue.Queue()
        self._reader = None

    # lifecycle ----------------------------------------------------------------------------

    def start(self):
        self._log = open(self.log_path, "ab")
        args = [terrane_bin(), "serve", "--listen", "127.0.0.1:0", "--data-dir", self.data_dir,
                *self.extra_args]
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=self._log, cwd=self.cwd)
        self._reader = threading.Thread(target=self._read_stdout, daemon=True)
        self._reader.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self.kill()
                raise AssertionError(
                    f"terrane serve printed no `listening on` line within {START_TIMEOUT_S}s; "
                    f"stdout: {self.stdout_lines}\n{self.log_tail()}")
            try:
                line = self._lines.get(timeout=min(left, 0.5))
            except queue.Empty:
                if self.proc.poll() is not None and not self._reader.is_alive():
                    raise AssertionError(
                        f"terrane serve exited {self.proc.returncode} before listening; "
                        f"stdout: {self.stdout_lines}\n{self.log_tail()}")
                continue
            if line is None:
                self.proc.wait(timeout=STOP_TIMEOUT_S)
                raise AssertionError(
                    f"terrane serve exited {self.proc.returncode} before listening; "
                    f"stdout: {self.stdout_lines}\n{self.log_tail()}")
            m = LISTEN_RE.match(line)
            if m:
                self.host, self.port = m.group(1), int(m.group(2))
                break
        if self.host != "127.0.0.1" or self.port == 0:
            raise AssertionError(f"unexpected listen line: {line!r}")
        return self

    def _read_stdout(self):
        for raw in self.proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self.stdout_lines.append(line)
            self._lines.put(line)
        self._lines.put(None)

    def stop(self):
        """SIGTERM, then checks the process exited cleanly; SIGKILL and fail otherwise."""
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        try:
            if proc.poll() is not None:
                raise AssertionError(
                    f"terrane serve died during the test with exit code {proc.returncode}\n"
                    f"{self.log_tail()}")
            proc.send_signal(signal.SIGTERM)
            try:
                code = proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                raise AssertionError(
                    f"terrane serve did not exit within {STOP_TIMEOUT_S}s of SIGTERM\n"
                    f"{self.log_tail()}")
            if code not in (0, -signal.SIGTERM, 128 + signal.SIGTERM):
                raise AssertionError(
                    f"terrane serve exited with {code} after SIGTERM\n{self.log_tail()}")
        finally:
            self._close_pipes(proc)

    def _close_pipes(self, proc):
        if self._reader is not None:
            self._reader.join(timeout=STOP_TIMEOUT_S)
            self._reader = None
        if proc.stdout is not None:
            proc.stdout.close()
        self._log.close()

    def kill(self):
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        self._close_pipes(proc)

    def cleanup(self):
        self.kill()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def log_tail(self, n=40):
        try:
            with open(self.log_path, "rb") as f:
                lines = f.read().decode("utf-8", "replace").splitlines()
        except OSError:
            return "(no server log)"
        return "server log tail:\n" + "\n".join(lines[-n:])

    # facts --------------------------------------------------------------------------------

    @property
    def pid(self):
        return self.proc.pid

    @property
    def base_url(self):
        return f"http://{self.host}:{self.port}"

    def admin_key(self):
        with open(os.path.join(self.cwd or "", self.data_dir, "admin-api-key")) as f:
            return f.read().strip()

    def client(self, key=None, account=ACCOUNT):
        return Client(self.host, self.port, key or self.admin_key(), account)

    def create_api_key(self, account=None, name=None, role="admin", org=None, project=None,
                       principal=None, expires_in=None):
        args = ["admin", "create-api-key", "--data-dir", self.data_dir, "--role", role]
        if account:
            args += ["--account", account]
        if name:
            args += ["--name", name]
        if org:
            args += ["--org", org]
        if project:
            args += ["--project", project]
        if principal:
            args += ["--principal", principal]
        if expires_in:
            args += ["--expires-in", str(expires_in)]
        out = run_cli(*args).stdout
        key = out.strip()
        if not key or len(out.strip().splitlines()) != 1:
            raise AssertionError(f"create-api-key printed {out!r}, expected exactly one key")
        return key

    def create_account(self, account):
        run_cli("admin", "create-account", account, "--data-dir", self.data_dir)


# ---------------------------------------------------------------------------------------------
# Test base

class ServerTestCase(unittest.TestCase):
    """One server per test class; `cls.server`, `cls.client` and assertion helpers."""

    server_args = ()
    maxDiff = 4000

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = TerraneServer(cls.server_args)
        try:
            cls.server.start()
        except BaseException:
            cls.server.cleanup()
            raise
        cls.client = cls.server.client()

    @classmethod
    def tearDownClass(cls):
        try:
            cls.server.stop()
        finally:
            cls.server.cleanup()
            super().tearDownClass()

    def unique(self, prefix="ws"):
        return f"{prefix}_{uuid.uuid4().hex[:12]}"

    # assertions ---------------------------------------------------------------------------

    def assertStatus(self, resp, status):
        self.assertEqual(resp.status, status, f"expected HTTP {status}, got {resp!r}")

    def assertGoaError(self, resp, status, name, *message_parts):
        """The goa error body of iacm-api.md §6; each part must appear in `message`
        (case-insensitive)."""
        self.assertStatus(resp, status)
        ctype = resp.headers.get("content-type", "")
        self.assertTrue(ctype.startswith(GOA_CONTENT_TYPE),
                        f"error Content-Type is {ctype!r}, expected {GOA_CONTENT_TYPE}: {resp!r}")
        body = resp.body
        self.assertIsInstance(body, dict, f"error body is not a JSON object: {resp!r}")
        self.assertEqual(set(body), GOA_KEYS, f"goa error keys: {body}")
        self.assertEqual(body["name"], name, f"goa error name: {body}")
        self.assertIsInstance(body["id"], str)
        self.assertNotEqual(body["id"], "")
        self.assertIsInstance(body["message"], str)
        self.assertNotEqual(body["message"].strip(), "")
        for flag in ("temporary", "timeout", "fault"):
            self.assertIsInstance(body[flag], bool, f"goa error {flag}: {body}")
        self.assertFalse(body["timeout"], body)
        if status < 500:
            self.assertFalse(body["fault"], body)
        msg = body["message"].lower()
        for part in message_parts:
            self.assertIn(part.lower(), msg, f"message {body['message']!r} lacks {part!r}")
        return body

    def assertLockInfoConflict(self, resp, expected_lock_body):
        """423 whose body is the holder's LockInfo exactly as stored by its LOCK."""
        self.assertStatus(resp, 423)
        self.assertEqual(resp.raw, expected_lock_body,
                         "a lock conflict must return the holder's LOCK body verbatim")

    def assertNoRedirect(self, resp):
        self.assertFalse(300 <= resp.status < 400, f"redirect answered: {resp!r}")


def raw_http(host, port, data, read_until_close=True, timeout=30.0, shutdown_write=False):
    """Sends `data` verbatim on a new TCP connection; returns everything read back."""
    with socket.create_connection((host, port), timeout=timeout) as s:
        s.sendall(data)
        if shutdown_write:
            s.shutdown(socket.SHUT_WR)
        chunks = []
        while read_until_close:
            try:
                b = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not b:
                break
            chunks.append(b)
        return b"".join(chunks)
