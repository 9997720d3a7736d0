"""Secret store black-box tests: CRUD at account, org and project scope, values never leaving
the server or reaching the database in clear, the master key file, and workspace variables that
refer to secrets."""

import base64
import os
import stat
import subprocess
import sys
import tempfile
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from terrane_harness import (ServerTestCase, TerraneServer, now_ms, terrane_bin, ws_base,
                             ws_path)

ORG = "sec_org"
PROJECT = "sec_proj"
SCOPES = [
    ("/v1/secrets", {}),
    (f"/v1/orgs/{ORG}/secrets", {"org": ORG}),
    (f"/v1/orgs/{ORG}/projects/{PROJECT}/secrets", {"org": ORG, "project": PROJECT}),
]
SPEC = {"type": "SecretText", "value_type": "Inline"}


def secret_body(identifier, value=None, name=None, **fields):
    spec = dict(SPEC)
    if value is not None:
        spec["value"] = value
    body = {"identifier": identifier, "name": name or identifier, "spec": spec}
    body.update(fields)
    return {"secret": body}


class SecretTestCase(ServerTestCase):
    """Every response is checked for every plaintext value this class has sent."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.values = []
        cls.client.create_org(ORG)
        cls.client.create_project(ORG, PROJECT)

    def new_value(self):
        value = f"PLAINTEXT-{uuid.uuid4().hex}"
        self.values.append(value)
        return value

    def call(self, method, path, body=None, **kw):
        r = self.client.api(method, path, body, **kw)
        for value in self.values:
            self.assertNotIn(value.encode(), r.raw, f"{method} {path} returned a secret value")
            for header in r.headers.values():
                self.assertNotIn(value, header)
        return r

    def create(self, base, identifier, value=None, **fields):
        r = self.call("POST", base, secret_body(identifier, value or self.new_value(), **fields))
        self.assertStatus(r, 201)
        return r.body


class SecretCrudTest(SecretTestCase):

    def test_crud_at_every_scope(self):
        for base, scope in SCOPES:
            with self.subTest(base=base):
                ident = self.unique("tok")
                t0 = now_ms()
                created = self.create(base, ident, description="deploy token",
                                      tags={"team": "platform"})
                t1 = now_ms()
                self.assertEqual(created["secret"], dict(
                    {"identifier": ident, "name": ident, "description": "deploy token",
                     "tags": {"team": "platform"}, "spec": SPEC}, **scope))
                self.assertEqual(set(created), {"secret", "created", "updated"})
                self.assertTrue(t0 - 1000 <= created["created"] <= t1 + 1000, created)
                self.assertEqual(created["created"], created["updated"])

                r = self.call("GET", f"{base}/{ident}")
                self.assertStatus(r, 200)
                self.assertEqual(r.body, created)

                r = self.call("GET", base)
                self.assertStatus(r, 200)
                self.assertIsInstance(r.body, list)
                self.assertIn(created, r.body)
                self.assertEqual(r.headers["x-total-items"], str(len(r.body)))

                # PUT replaces the metadata; without a value the stored one is kept.
                r = self.call("PUT", f"{base}/{ident}",
                              secret_body(ident, name="Renamed", tags=["env:prod"]))
                self.assertStatus(r, 200)
                self.assertEqual(r.body["secret"], dict(
                    {"identifier": ident, "name": "Renamed", "description": "",
                     "tags": {"env": "prod"}, "spec": SPEC}, **scope))
                self.assertEqual(r.body["created"], created["created"])
                self.assertGreaterEqual(r.body["updated"], created["updated"])
                self.assertEqual(self.call("GET", f"{base}/{ident}").body, r.body)

                r = self.call("PUT", f"{base}/{ident}",
                              secret_body(ident, self.new_value(), name="Rotated"))
                self.assertStatus(r, 200)
                self.assertEqual(r.body["secret"]["name"], "Rotated")

                r = self.call("DELETE", f"{base}/{ident}")
                self.assertStatus(r, 200)
                self.assertEqual(r.body["secret"]["identifier"], ident)
                self.assertEqual(r.body["secret"]["name"], "Rotated")
                self.assertGoaError(self.call("GET", f"{base}/{ident}"), 404, "not_found", ident)
                self.assertGoaError(self.call("DELETE", f"{base}/{ident}"), 404, "not_found")
                self.assertNotIn(ident, [s["secret"]["identifier"]
                                         for s in self.call("GET", base).body])

    def test_scopes_are_independent(self):
        ident = self.unique("shared")
        for base, _ in SCOPES:
            self.create(base, ident)
        for base, scope in SCOPES:
            with self.subTest(base=base):
                listed = [s["secret"] for s in self.call("GET", base).body
                          if s["secret"]["identifier"] == ident]
                self.assertEqual(len(listed), 1)
                self.assertEqual(listed[0].get("org"), scope.get("org"))
                self.assertEqual(listed[0].get("project"), scope.get("project"))
        self.assertStatus(self.call("DELETE", f"{SCOPES[1][0]}/{ident}"), 200)
        self.assertStatus(self.call("GET", f"{SCOPES[0][0]}/{ident}"), 200)
        self.assertStatus(self.call("GET", f"{SCOPES[2][0]}/{ident}"), 200)

    def test_duplicate_is_409(self):
        for base, _ in SCOPES:
            with self.subTest(base=base):
                ident = self.unique("dup")
                self.create(base, ident)
                r = self.call("POST", base, secret_body(ident, self.new_value()))
                self.assertGoaError(r, 409, "conflict", ident, "already exists")

    def test_unknown_secret_or_scope_is_404(self):
        for base, _ in SCOPES:
            with self.subTest(base=base):
                for method, body in (("GET", None), ("DELETE", None),
                                     ("PUT", secret_body("nope", name="n"))):
                    r = self.call(method, f"{base}/nope", body)
                    self.assertGoaError(r, 404, "not_found", "secret 'nope'")
        r = self.call("POST", "/v1/orgs/no_org/secrets", secret_body("x", self.new_value()))
        self.assertGoaError(r, 404, "not_found", "org 'no_org'")
        self.assertGoaError(self.call("GET", f"/v1/orgs/{ORG}/projects/no_proj/secrets"), 404,
                            "not_found", "project 'no_proj'")

    def test_bad_bodies_are_400_naming_the_field(self):
        v = self.new_value()
        cases = [
            ({}, "'secret'"),
            ({"secret": "x"}, "'secret'"),
            ({"secret": {"name": "n", "spec": dict(SPEC, value=v)}}, "secret.identifier"),
            (secret_body("with-dash", v), "identifier"),
            (secret_body("org", v), "reserved"),
            ({"secret": {"identifier": "x", "spec": dict(SPEC, value=v)}}, "secret.name"),
            ({"secret": {"identifier": "x", "name": 5, "spec": dict(SPEC, value=v)}},
             "secret.name"),
            ({"secret": {"identifier": "x", "name": "n"}}, "secret.spec"),
            ({"secret": {"identifier": "x", "name": "n", "spec": []}}, "secret.spec"),
            ({"secret": {"identifier": "x", "name": "n",
                         "spec": {"value_type": "Inline", "value": v}}}, "secret.spec.type"),
            ({"secret": {"identifier": "x", "name": "n",
                         "spec": {"type": "SecretFile", "value_type": "Inline", "value": v}}},
             "secret.spec.type"),
            ({"secret": {"identifier": "x", "name": "n",
                         "spec": {"type": "SecretText", "value": v}}}, "secret.spec.value_type"),
            ({"secret": {"identifier": "x", "name": "n",
                         "spec": {"type": "SecretText", "value_type": "Reference",
                                  "value": v}}}, "secret.spec.value_type"),
            (secret_body("x"), "secret.spec.value"),
            ({"secret": {"identifier": "x", "name": "n", "spec": dict(SPEC, value=7)}},
             "secret.spec.value"),
            ({"secret": {"identifier": "x", "name": "n", "tags": 3,
                         "spec": dict(SPEC, value=v)}}, "secret.tags"),
        ]
        for body, field in cases:
            with self.subTest(body=body):
                r = self.call("POST", SCOPES[0][0], body)
                self.assertGoaError(r, 400, "bad_request", field)
        r = self.call("POST", SCOPES[1][0], secret_body("x", v, org="elsewhere"))
        self.assertGoaError(r, 400, "bad_request", "secret.org", "elsewhere")
        r = self.call("POST", SCOPES[2][0], "{not json")
        self.assertGoaError(r, 400, "bad_request", "json")
        ident = self.unique("upd")
        self.create(SCOPES[0][0], ident)
        r = self.call("PUT", f"{SCOPES[0][0]}/{ident}", secret_body("other", name="n"))
        self.assertGoaError(r, 400, "bad_request", "secret.identifier")
        r = self.call("PUT", f"{SCOPES[0][0]}/{ident}",
                      {"secret": {"name": "n", "spec": {"type": "SecretText"}}})
        self.assertGoaError(r, 400, "bad_request", "secret.spec.value_type")

    def test_authentication_is_required(self):
        for method, path in (("GET", "/v1/secrets"), ("POST", "/v1/secrets"),
                             ("GET", f"/v1/orgs/{ORG}/secrets/x"),
                             ("DELETE", f"/v1/orgs/{ORG}/projects/{PROJECT}/secrets/x")):
            with self.subTest(method=method, path=path):
                self.assertGoaError(self.call(method, path, key=None), 401, "unauthorized")
        self.assertGoaError(self.call("GET", "/v1/secrets", account=None), 400, "bad_request",
                            "Harness-Account")

    def test_deleting_the_project_deletes_its_secrets(self):
        org, project = self.unique("o"), self.unique("p")
        self.client.create_org(org)
        self.client.create_project(org, project)
        base = f"/v1/orgs/{org}/projects/{project}/secrets"
        self.create(base, "doomed")
        self.create(f"/v1/orgs/{org}/secrets", "kept")
        self.assertStatus(self.call("DELETE", f"/v1/orgs/{org}/projects/{project}"), 200)
        self.client.create_project(org, project)
        self.assertEqual(self.call("GET", base).body, [])
        self.assertStatus(self.call("GET", f"/v1/orgs/{org}/secrets/kept"), 200)


class SecretStorageTest(SecretTestCase):
    """What reaches the disk."""

    def test_database_and_wal_never_hold_plaintext(self):
        values, idents = [], []
        for base, _ in SCOPES:
            ident = self.unique("disk")
            idents.append(ident)
            value = self.new_value()
            values.append(value)
            self.create(base, ident, value)
            rotated = self.new_value()
            values.append(rotated)
            self.assertStatus(self.call("PUT", f"{base}/{ident}",
                                        secret_body(ident, rotated, name="n")), 200)
        files = [os.path.join(self.server.data_dir, name)
                 for name in ("terrane.db", "terrane.db-wal", "terrane.db-shm")]
        self.assertTrue(os.path.getsize(files[1]) > 0, "expected the writes in the WAL")
        stored = b"".join(open(p, "rb").read() for p in files[:2])
        for ident in idents:  # the metadata is there, so these are the right files
            self.assertIn(ident.encode(), stored)
        for path in files + [self.server.log_path]:
            if not os.path.exists(path):
                continue
            with open(path, "rb") as f:
                data = f.read()
            for value in values:
                with self.subTest(path=os.path.basename(path), value=value):
                    self.assertNotIn(value.encode(), data)
                    self.assertNotIn(base64.b64encode(value.encode()), data)

    def test_master_key_file_is_private_and_never_printed(self):
        path = os.path.join(self.server.data_dir, "master.key")
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        with open(path) as f:
            content = f.read()
        self.assertEqual(len(content), 45, "44 base64 characters and a newline")
        self.assertEqual(len(base64.b64decode(content.strip(), validate=True)), 32)
        self.assertTrue(any("master key" in line and path in line
                            for line in self.server.stdout_lines), self.server.stdout_lines)
        self.assertFalse(any(content.strip() in line for line in self.server.stdout_lines))
        with open(self.server.log_path) as f:
            self.assertNotIn(content.strip(), f.read())


class SecretReferenceTest(SecretTestCase):
    """Workspace variables with value_type "secret" must name an existing secret."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for base, name in (("/v1/secrets", "acct_tok"), ("/v1/orgs/default/secrets", "org_tok"),
                           ("/v1/orgs/default/projects/default/secrets", "proj_tok")):
            value = f"PLAINTEXT-{uuid.uuid4().hex}"
            cls.values.append(value)
            r = cls.client.api("POST", base, secret_body(name, value))
            assert r.status == 201, r

    def ws_body(self, ident, tf=None, env=None):
        def as_vars(d):
            return {k: {"key": k, "value": v, "value_type": "secret"} for k, v in (d or {}).items()}
        return {"identifier": ident, "name": ident, "provisioner": "terraform",
                "terraform_variables": as_vars(tf), "environment_variables": as_vars(env)}

    def test_known_references_at_every_scope_are_accepted(self):
        ident = self.unique("ws")
        body = self.ws_body(ident, tf={"a": "proj_tok", "b": "org.org_tok"},
                            env={"C": "account.acct_tok"})
        self.assertStatus(self.call("POST", ws_base(), body), 200)
        ws = self.call("GET", ws_path(ident)).body
        self.assertEqual(ws["terraform_variables"]["b"]["value"], "org.org_tok")
        self.assertEqual(ws["terraform_variables"]["b"]["value_type"], "secret")
        self.assertEqual(ws["environment_variables"]["C"]["value"], "account.acct_tok")

    def test_unknown_or_malformed_reference_is_400_naming_variable_and_reference(self):
        cases = [
            (dict(tf={"db_pass": "missing"}), ["terraform_variables.db_pass", "'missing'"]),
            (dict(env={"TOKEN": "org.nope"}), ["environment_variables.TOKEN", "'org.nope'"]),
            (dict(tf={"x": "account.proj_tok"}), ["terraform_variables.x", "'account.proj_tok'"]),
            (dict(tf={"x": "vault.a.b"}), ["terraform_variables.x", "'vault.a.b'", "malformed"]),
            (dict(env={"E": ""}), ["environment_variables.E", "''", "malformed"]),
        ]
        for kwargs, parts in cases:
            with self.subTest(**kwargs):
                ident = self.unique("ws")
                r = self.call("POST", ws_base(), self.ws_body(ident, **kwargs))
                self.assertGoaError(r, 400, "bad_request", *parts)
                self.assertGoaError(self.call("GET", ws_path(ident)), 404, "not_found")

    def test_update_with_an_unknown_reference_is_400_and_changes_nothing(self):
        ident = self.unique("ws")
        self.assertStatus(self.call("POST", ws_base(),
                                    self.ws_body(ident, tf={"a": "proj_tok"})), 200)
        body = self.ws_body(ident, tf={"a": "proj_tok", "b": "org.gone"})
        del body["identifier"]
        r = self.call("PUT", ws_path(ident), body)
        self.assertGoaError(r, 400, "bad_request", "terraform_variables.b", "'org.gone'")
        ws = self.call("GET", ws_path(ident)).body
        self.assertEqual(set(ws["terraform_variables"]), {"a"})

    def test_unknown_project_is_still_404(self):
        body = self.ws_body(self.unique("ws"), tf={"a": "proj_tok"})
        r = self.call("POST", ws_base(project="no_such_project"), body)
        self.assertGoaError(r, 404, "not_found", "no_such_project")


class MasterKeySourceTest(unittest.TestCase):
    """How `terrane serve` finds its master key, and when it refuses to start."""

    def serve_fails(self, data_dir, *extra, env=None):
        proc = subprocess.run(
            [terrane_bin(), "serve", "--listen", "127.0.0.1:0", "--data-dir", data_dir, *extra],
            capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
            env=dict(os.environ, **(env or {})))
        self.assertNotEqual(proc.returncode, 0, proc.stdout)
        self.assertNotIn("listening on", proc.stdout)
        return proc.stderr

    def test_restart_reuses_the_key_file_and_refuses_a_readable_one(self):
        first = TerraneServer()
        try:
            first.start()
            first.client().api("POST", "/v1/secrets", secret_body("kept", "v-" + uuid.uuid4().hex))
            path = os.path.join(first.data_dir, "master.key")
            with open(path) as f:
                key = f.read()
            first.stop()

            second = TerraneServer(data_dir=first.data_dir)
            try:
                second.start()
                with open(path) as f:
                    self.assertEqual(f.read(), key)
                self.assertFalse(any("master key" in line for line in second.stdout_lines))
                r = second.client().api("GET", "/v1/secrets/kept")
                self.assertEqual(r.status, 200, r)
                second.stop()
            finally:
                second.cleanup()

            os.chmod(path, 0o644)
            err = self.serve_fails(first.data_dir)
            self.assertIn(f"master key file {path} has mode 0644", err)
            self.assertIn(f"chmod 600 {path}", err)
            self.assertNotIn(key.strip(), err)
            os.chmod(path, 0o600)
            with open(path, "w") as f:
                f.write(base64.b64encode(b"x" * 16).decode() + "\n")
            self.assertIn("must be base64 of 32 bytes, got 16 bytes",
                          self.serve_fails(first.data_dir))
        finally:
            first.cleanup()

    def test_missing_key_file_flag_is_refused(self):
        with tempfile.TemporaryDirectory() as tmp:
            missing = os.path.join(tmp, "nowhere.key")
            err = self.serve_fails(os.path.join(tmp, "data"), "--master-key-file", missing)
            self.assertIn(f"cannot read the master key file {missing}", err)
            self.assertFalse(os.path.exists(os.path.join(tmp, "data", "master.key")))

    def test_environment_key_is_used_and_validated(self):
        with tempfile.TemporaryDirectory() as tmp:
            data = os.path.join(tmp, "data")
            err = self.serve_fails(data, env={"TERRANE_MASTER_KEY": "c2hvcnQ="})
            self.assertIn("$TERRANE_MASTER_KEY must be base64 of 32 bytes, got 5 bytes", err)
            self.assertNotIn("c2hvcnQ=", err)
            old = os.environ.get("TERRANE_MASTER_KEY")
            os.environ["TERRANE_MASTER_KEY"] = base64.b64encode(os.urandom(32)).decode()
            server = TerraneServer(data_dir=data)
            try:
                server.start()
                r = server.client().api("POST", "/v1/secrets", secret_body("e", "v"))
                self.assertEqual(r.status, 201, r)
                self.assertFalse(os.path.exists(os.path.join(data, "master.key")))
                server.stop()
            finally:
                server.cleanup()
                if old is None:
                    del os.environ["TERRANE_MASTER_KEY"]
                else:
                    os.environ["TERRANE_MASTER_KEY"] = old

    def test_key_file_flag_is_used(self):
        with tempfile.TemporaryDirectory() as tmp:
            key_path = os.path.join(tmp, "my.key")
            fd = os.open(key_path, os.O_WRONLY | os.O_CREAT, 0o600)
            os.write(fd, (base64.b64encode(os.urandom(32)).decode() + "\n").encode())
            os.close(fd)
            data = os.path.join(tmp, "data")
            server = TerraneServer(["--master-key-file", key_path], data_dir=data)
            try:
                server.start()
                r = server.client().api("POST", "/v1/secrets", secret_body("f", "v"))
                self.assertEqual(r.status, 201, r)
                self.assertFalse(os.path.exists(os.path.join(data, "master.key")))
                server.stop()
            finally:
                server.cleanup()


if __name__ == "__main__":
    unittest.main()
