"""Master key rotation on a running server: `terrane admin rotate-master-key` re-encrypts every
secret while the server keeps answering and writing secrets; runs read secrets before and after;
afterwards the old key decrypts nothing in the database, a server given the old key refuses to
start, and no secret value is in the database files, the server log or any response in clear.
"""

import base64
import hashlib
import os
import shutil
import sqlite3
import stat
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from terrane_harness import TerraneServer, run_cli, ws_path  # noqa: E402
from test_runs import RunTestCase  # noqa: E402

SECRETS = "/v1/orgs/default/projects/default/secrets"

TF = """
variable "password" {
  type      = string
  sensitive = true
}
resource "terraform_data" "check" {
  input = sha256(var.password)
}
output "digest" {
  value = terraform_data.check.output
}
"""


def key_id(key_bytes):
    """MasterKey::Id(): 8 bytes of a domain-separated SHA-256, as stored in each sealed value."""
    return hashlib.sha256(b"terrane master key id\n" + key_bytes).digest()[:8]


def read_key(path):
    with open(path) as f:
        return base64.b64decode(f.read().strip())


def secret_body(identifier, value):
    return {"secret": {"identifier": identifier, "name": identifier,
                       "spec": {"type": "SecretText", "value_type": "Inline", "value": value}}}


class RotationTest(RunTestCase):
    # The writer below sends as many requests as it can during the rotation.
    server_args = ("--cancel-grace", "5", "--rate-limit", "0")

    def rows(self):
        db = sqlite3.connect(os.path.join(self.server.data_dir, "terrane.db"))
        try:
            return db.execute("SELECT identifier, key_id, ciphertext FROM secrets").fetchall()
        finally:
            db.close()

    def provision_digest(self, ws):
        done = self.wait(ws, self.start(ws, "provision")["id"])
        self.assertEqual(done["status"], "succeeded", self.log(ws, done["id"]))
        outputs = self.client.api("GET", ws_path(ws) + "/resources").body["outputs"]
        return outputs[0]["value"]

    def test_rotate_while_running(self):
        values = {f"s{i}": f"rot-{i}-{os.urandom(8).hex()}" for i in range(30)}
        for name, value in values.items():
            self.assertEqual(self.client.api("POST", SECRETS, secret_body(name, value)).status,
                             201)
        ws = self.workspace(self.repo({"main.tf": TF}), terraform_variables={
            "password": {"key": "password", "value": "s0", "value_type": "secret"}})
        self.assertEqual(self.provision_digest(ws), hashlib.sha256(values["s0"].encode()).hexdigest())

        key_path = os.path.join(self.server.data_dir, "master.key")
        old_key = read_key(key_path)
        old_copy = os.path.join(self._tmp.name, "old.key")
        shutil.copy(key_path, old_copy)
        os.chmod(old_copy, 0o600)
        self.assertTrue(all(row[1] == key_id(old_key).hex() for row in self.rows()))

        # Secret writes keep going during the rotation and all succeed.
        stop = threading.Event()
        writes = []

        def writer():
            n = 0
            while not stop.is_set():
                value = f"live-{n}-{os.urandom(6).hex()}"
                r = self.client.api("PUT", f"{SECRETS}/s0", secret_body("s0", value))
                writes.append((r.status, value))
                n += 1

        t = threading.Thread(target=writer)
        t.start()
        try:
            out = run_cli("admin", "rotate-master-key", "--data-dir", self.server.data_dir).stdout
        finally:
            stop.set()
            t.join()
        self.assertIn("re-encrypted", out)
        self.assertTrue(writes)
        self.assertEqual({status for status, _ in writes}, {200}, writes[:5])
        values["s0"] = writes[-1][1]

        new_key = read_key(key_path)
        self.assertNotEqual(new_key, old_key)
        self.assertFalse(os.path.exists(key_path + ".next"))
        self.assertEqual(stat.S_IMODE(os.stat(key_path).st_mode), 0o600)
        self.assertIn(key_id(new_key).hex(), out)

        # A secret created after the rotation is sealed with the new key too.
        values["late"] = f"late-{os.urandom(8).hex()}"
        self.assertEqual(self.client.api("POST", SECRETS, secret_body("late", values["late"])).status,
                         201)

        # Every stored value is sealed with the new key (its id is authenticated with the value,
        # so the old key cannot open it; the unit tests of key_rotation.cc try).
        rows = self.rows()
        self.assertEqual(len(rows), len(values))
        for identifier, kid, ciphertext in rows:
            self.assertEqual(ciphertext[0], 2, identifier)
            self.assertEqual(ciphertext[1:9], key_id(new_key), identifier)
            self.assertEqual(kid, key_id(new_key).hex(), identifier)
            self.assertNotEqual(ciphertext[1:9], key_id(old_key), identifier)

        # Runs read the secrets after the rotation (the last value written during it).
        self.assertEqual(self.provision_digest(ws), hashlib.sha256(values["s0"].encode()).hexdigest())

        # A server started with the old key file refuses to start, saying why.
        stale = TerraneServer(["--master-key-file", old_copy], data_dir=self.server.data_dir)
        with self.assertRaises(AssertionError) as refused:
            stale.start()
        stale.cleanup()
        self.assertIn("sealed with master key", str(refused.exception))

        # No value in clear in the database files or the server's output.
        blobs = b""
        for name in ("terrane.db", "terrane.db-wal", "terrane.db-shm"):
            path = os.path.join(self.server.data_dir, name)
            if os.path.exists(path):
                with open(path, "rb") as f:
                    blobs += f.read()
        with open(self.server.log_path, "rb") as f:
            blobs += f.read() + "\n".join(self.server.stdout_lines).encode() + out.encode()
        for _, value in writes:
            self.assertNotIn(value.encode(), blobs)
        for value in values.values():
            self.assertNotIn(value.encode(), blobs)
        for key in (old_key, new_key):
            self.assertNotIn(base64.b64encode(key), blobs)

    def test_rotation_with_the_key_in_the_environment_is_refused(self):
        env = dict(os.environ, TERRANE_MASTER_KEY=base64.b64encode(os.urandom(32)).decode())
        import subprocess
        from terrane_harness import terrane_bin
        proc = subprocess.run([terrane_bin(), "admin", "rotate-master-key", "--data-dir",
                               self.server.data_dir], env=env, capture_output=True, text=True,
                              timeout=60)
        self.assertEqual(proc.returncode, 2, proc)
        self.assertIn("--master-key-file", proc.stderr)


if __name__ == "__main__":
    unittest.main()
