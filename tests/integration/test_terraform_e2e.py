"""End-to-end tests with the real terraform CLI (1.11.4) against `terrane serve`.

Offline: only the built-in `terraform_data` resource and `local-exec` are used, so no provider is
downloaded. When terraform is missing or has another version, every test here FAILS with the
reason; nothing is skipped.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from terrane_harness import (ServerTestCase, lock_info, lock_path, sha256_hex,
                             state_path, ws_path)

TERRAFORM_VERSION = "1.11.4"
TF_TIMEOUT_S = 300

MAIN_TF = """\
terraform {
  backend "http" {}
}

resource "terraform_data" "first" {
  input = "alpha"
}

resource "terraform_data" "second" {
  input = "${terraform_data.first.output}-beta"
}

resource "terraform_data" "provisioned" {
  input = terraform_data.second.output

  provisioner "local-exec" {
    command = "echo provisioned > provisioned.txt"
  }
}

output "plain" {
  value = terraform_data.second.output
}

output "secret" {
  value     = "%(secret)s"
  sensitive = true
}
"""


def terraform_problem():
    """None when terraform TERRAFORM_VERSION is on PATH, else the reason."""
    exe = shutil.which("terraform")
    if exe is None:
        return ("the `terraform` CLI is not on PATH; the end-to-end tests need terraform "
                f"{TERRAFORM_VERSION}")
    try:
        out = subprocess.run([exe, "version", "-json"], capture_output=True, text=True,
                             timeout=60, env=dict(os.environ, CHECKPOINT_DISABLE="1"))
        version = json.loads(out.stdout)["terraform_version"]
    except (OSError, ValueError, KeyError, subprocess.SubprocessError) as e:
        return f"`terraform version -json` failed: {e!r}"
    if version != TERRAFORM_VERSION:
        return (f"terraform {version} found at {exe}; these tests pin the wire behaviour of "
                f"terraform {TERRAFORM_VERSION}")
    return None


class TerraformTestCase(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        problem = terraform_problem()
        if problem:
            raise AssertionError(problem)
        super().setUpClass()

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="terrane-tf-")
        self.addCleanup(self._tmp.cleanup)
        self.home = os.path.join(self._tmp.name, "home")
        os.mkdir(self.home)
        self.cli_config = os.path.join(self._tmp.name, "terraformrc")
        open(self.cli_config, "w").close()

    def tf_env(self, password):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("TF_") and k != "CHECKPOINT_DISABLE"}
        env.update({
            "TF_CLI_CONFIG_FILE": self.cli_config,
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
            "CHECKPOINT_DISABLE": "1",
            "HOME": self.home,
            "TF_HTTP_PASSWORD": password,
        })
        return env

    def workdir(self, name, secret, main_tf=MAIN_TF):
        d = os.path.join(self._tmp.name, name)
        os.mkdir(d)
        with open(os.path.join(d, "main.tf"), "w") as f:
            f.write(main_tf % {"secret": secret})
        return d

    def tf(self, cwd, *args, password=None, expect_ok=True):
        """Runs terraform; returns (exit code, combined output)."""
        password = self.client.key if password is None else password
        proc = subprocess.run(["terraform", *args, "-no-color"], cwd=cwd,
                              env=self.tf_env(password), stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=TF_TIMEOUT_S)
        if expect_ok and proc.returncode != 0:
            self.fail(f"terraform {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n"
                      f"{self.server.log_tail()}")
        return proc.returncode, proc.stdout

    def tf_stdout(self, cwd, *args):
        proc = subprocess.run(["terraform", *args], cwd=cwd,
                              env=self.tf_env(self.client.key), stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=TF_TIMEOUT_S)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return proc.stdout

    def harness_backend_args(self, ws):
        base = self.client.base_url
        return [f"-backend-config=address={base}{state_path(ws)}",
                f"-backend-config=lock_address={base}{lock_path(ws)}",
                f"-backend-config=unlock_address={base}{lock_path(ws)}",
                "-backend-config=lock_method=POST",
                "-backend-config=unlock_method=DELETE",
                "-backend-config=username=harness",
                "-backend-config=retry_max=0"]

    def default_methods_backend_args(self, ws):
        addr = self.client.base_url + state_path(ws)
        return [f"-backend-config=address={addr}",
                f"-backend-config=lock_address={addr}",
                f"-backend-config=unlock_address={addr}",
                "-backend-config=username=harness",
                "-backend-config=retry_max=0"]

    # shared checks ------------------------------------------------------------------------

    def check_applied(self, ws, cwd, secret):
        versions = self.client.versions(ws)
        self.assertEqual(len(versions), 1, versions)
        self.assertEqual(versions[0]["serial"], 1)
        self.assertEqual(versions[0]["resource_count"], 3)
        shown = self.client.get_workspace(ws)
        self.assertEqual(shown["status"], "active")
        self.assertIs(shown["backend_locked"], False)
        stored = self.client.get_state(ws)
        self.assertStatus(stored, 200)
        self.assertEqual(shown["state_checksum"], sha256_hex(stored.raw))
        self.assertEqual(versions[0]["sha256"], sha256_hex(stored.raw))
        doc = json.loads(stored.raw)
        self.assertEqual(doc["serial"], 1)
        self.assertEqual(doc["lineage"], versions[0]["lineage"])
        self.assertTrue(os.path.exists(os.path.join(cwd, "provisioned.txt")))

        r = self.client.api("GET", ws_path(ws) + "/resources")
        self.assertStatus(r, 200)
        self.assertNotIn(secret.encode(), r.raw)
        self.assertEqual(r.body["total_resources"], 3)
        self.assertEqual(sorted(x["name"] for x in r.body["resources"]),
                         ["first", "provisioned", "second"])
        self.assertEqual({x["type"] for x in r.body["resources"]}, {"terraform_data"})
        self.assertEqual(r.body["data_sources"], [])
        outs = {o["name"]: (o["value"], o["sensitive"]) for o in r.body["outputs"]}
        self.assertEqual(outs, {"plain": ("alpha-beta", False), "secret": (None, True)})

        # terraform state pull sees what the server stored
        pulled = json.loads(self.tf_stdout(cwd, "state", "pull"))
        self.assertEqual((pulled["serial"], pulled["lineage"]),
                         (versions[0]["serial"], versions[0]["lineage"]))
        return versions[0]

    def hold_lock_and_check_refused(self, ws, cwd, lock_url_path, lock_method):
        """Holds the lock with a foreign LockInfo; terraform must refuse to apply; then
        `terraform force-unlock -force` clears it."""
        held_id, held_body = lock_info(operation="OperationTypeApply", who="other@ci")
        r = self.client.state(lock_method, lock_url_path, held_body)
        self.assertStatus(r, 200)
        before = self.client.versions(ws)
        code, out = self.tf(cwd, "apply", "-auto-approve", "-input=false", expect_ok=False)
        self.assertNotEqual(code, 0, out)
        self.assertIn("Error acquiring the state lock", out)
        self.assertIn(f"ID={held_id}", out)
        self.assertEqual(self.client.versions(ws), before)
        self.assertIs(self.client.get_workspace(ws)["backend_locked"], True)
        # lock still held by the foreign ID
        _, probe = lock_info()
        r = self.client.state(lock_method, lock_url_path, probe)
        self.assertLockInfoConflict(r, held_body)

        code, out = self.tf(cwd, "force-unlock", "-force", held_id)
        self.assertIn("Terraform state has been successfully unlocked!", out)
        self.assertIs(self.client.get_workspace(ws)["backend_locked"], False)

    def destroy_delete_reuse(self, ws, cwd, lineage):
        code, out = self.tf(cwd, "destroy", "-auto-approve", "-input=false")
        self.assertIn("Destroy complete! Resources: 3 destroyed.", out)
        versions = self.client.versions(ws)
        self.assertEqual([v["serial"] for v in versions], [2, 1])
        self.assertEqual(versions[0]["lineage"], lineage)
        self.assertEqual(versions[0]["resource_count"], 0)
        shown = self.client.get_workspace(ws)
        self.assertEqual(shown["status"], "inactive")
        self.assertIs(shown["backend_locked"], False)

        r = self.client.api("DELETE", ws_path(ws))
        self.assertStatus(r, 204)
        self.assertGoaError(self.client.get_state(ws), 422, "unknown_workspace",
                            "does not exist")
        self.assertGoaError(self.client.api("GET", ws_path(ws)), 404, "not_found")

        # the identifier is reusable and starts with no state
        self.client.create_workspace(ws)
        self.assertStatus(self.client.get_state(ws), 404)
        self.assertEqual(self.client.versions(ws), [])
        self.assertEqual(self.client.get_workspace(ws)["status"], "inactive")
        # terraform sees no state at all (an empty pull), not the deleted workspace's
        pulled = json.loads(self.tf_stdout(cwd, "state", "pull"))
        self.assertEqual((pulled["serial"], pulled["lineage"], pulled["resources"]), (0, "", []))


class HarnessBackendLifecycleTest(TerraformTestCase):
    """The backend block Harness generates: lock POST, unlock DELETE on …/lock."""

    def test_full_lifecycle(self):
        ws = "tf-harness"
        self.client.create_workspace(ws)
        secret = "SECRET-" + uuid.uuid4().hex
        cwd = self.workdir("harness", secret)

        code, out = self.tf(cwd, "init", "-input=false", *self.harness_backend_args(ws))
        self.assertIn('Successfully configured the backend "http"!', out)
        self.assertStatus(self.client.get_state(ws), 404)

        code, out = self.tf(cwd, "apply", "-auto-approve", "-input=false")
        self.assertIn("Apply complete! Resources: 3 added, 0 changed, 0 destroyed.", out)
        self.assertNotIn(secret, out)
        v1 = self.check_applied(ws, cwd, secret)

        # the stored state round-trips: no changes, no new write
        code, out = self.tf(cwd, "plan", "-detailed-exitcode", "-input=false")
        self.assertIn("No changes.", out)
        code, out = self.tf(cwd, "apply", "-auto-approve", "-input=false")
        self.assertIn("Apply complete! Resources: 0 added, 0 changed, 0 destroyed.", out)
        self.assertEqual(self.client.versions(ws), [v1])

        # an active workspace cannot be deleted
        r = self.client.api("DELETE", ws_path(ws))
        self.assertGoaError(r, 409, "conflict", "active", "destroy", "infrastructure")

        self.hold_lock_and_check_refused(ws, cwd, lock_path(ws), "POST")
        # a manual lock refuses terraform too
        r = self.client.api("POST", ws_path(ws) + "/actions/lock", {"reason": "freeze"})
        self.assertStatus(r, 200)
        code, out = self.tf(cwd, "plan", "-input=false", expect_ok=False)
        self.assertNotEqual(code, 0, out)
        self.assertIn("Error acquiring the state lock", out)
        self.assertStatus(self.client.api("POST", ws_path(ws) + "/actions/force-unlock"), 200)

        # the lock is free again: a normal locked run succeeds and unlocks
        code, out = self.tf(cwd, "plan", "-input=false")
        self.assertIs(self.client.get_workspace(ws)["backend_locked"], False)

        self.destroy_delete_reuse(ws, cwd, v1["lineage"])


class DefaultLockMethodsTest(TerraformTestCase):
    """terraform's default LOCK/UNLOCK methods with lock and unlock on the state address."""

    def test_lifecycle_with_lock_unlock_methods(self):
        ws = "tf-default-methods"
        self.client.create_workspace(ws)
        secret = "SECRET-" + uuid.uuid4().hex
        cwd = self.workdir("default", secret)
        self.tf(cwd, "init", "-input=false", *self.default_methods_backend_args(ws))
        code, out = self.tf(cwd, "apply", "-auto-approve", "-input=false")
        self.assertIn("Apply complete! Resources: 3 added, 0 changed, 0 destroyed.", out)
        v1 = self.check_applied(ws, cwd, secret)
        self.hold_lock_and_check_refused(ws, cwd, state_path(ws), "LOCK")
        self.destroy_delete_reuse(ws, cwd, v1["lineage"])


BLOCKING_TF = """\
terraform {
  backend "http" {}
}

resource "terraform_data" "slow" {
  input = "%(secret)s"

  # Signals that the apply (and so its state lock) is under way, then waits for the test to
  # release it; bounded at 120 s so a broken test cannot hang forever.
  provisioner "local-exec" {
    command = <<-EOT
      touch started
      i=0
      while [ ! -f release ] && [ $i -lt 2400 ]; do sleep 0.05; i=$((i+1)); done
      test -f release
    EOT
  }
}
"""


class ConcurrentApplyTest(TerraformTestCase):

    def test_second_apply_is_refused_while_the_first_holds_the_lock(self):
        ws = "tf-concurrent"
        self.client.create_workspace(ws)
        first = self.workdir("first", "one", BLOCKING_TF)
        second = self.workdir("second", "one", BLOCKING_TF)
        self.tf(first, "init", "-input=false", *self.harness_backend_args(ws))
        self.tf(second, "init", "-input=false", *self.harness_backend_args(ws))

        log_path = os.path.join(self._tmp.name, "first-apply.log")
        with open(log_path, "w") as log:
            proc = subprocess.Popen(
                ["terraform", "apply", "-auto-approve", "-input=false", "-no-color"],
                cwd=first, env=self.tf_env(self.client.key), stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT)
        try:
            started = os.path.join(first, "started")
            deadline = time.monotonic() + TF_TIMEOUT_S
            while not os.path.exists(started):
                self.assertIsNone(proc.poll(), open(log_path).read())
                self.assertLess(time.monotonic(), deadline, "first apply never started")
                time.sleep(0.05)  # polling a file the child creates, with a deadline
            self.assertIs(self.client.get_workspace(ws)["backend_locked"], True)
            _, probe = lock_info()
            r = self.client.state("POST", lock_path(ws), probe)
            self.assertStatus(r, 423)
            holder = json.loads(r.raw)
            self.assertEqual(holder["Operation"], "OperationTypeApply")

            code, out = self.tf(second, "apply", "-auto-approve", "-input=false",
                                expect_ok=False)
            self.assertNotEqual(code, 0, out)
            self.assertIn("Error acquiring the state lock", out)
            self.assertIn(f"ID={holder['ID']}", out)
            self.assertFalse(os.path.exists(os.path.join(second, "started")))
        finally:
            open(os.path.join(first, "release"), "w").close()
            code = proc.wait(timeout=TF_TIMEOUT_S)
        out = open(log_path).read()
        self.assertEqual(code, 0, out)
        self.assertIn("Apply complete! Resources: 1 added, 0 changed, 0 destroyed.", out)
        versions = self.client.versions(ws)
        self.assertEqual([v["serial"] for v in versions], [1])
        shown = self.client.get_workspace(ws)
        self.assertEqual(shown["status"], "active")
        self.assertIs(shown["backend_locked"], False)
        # the second working directory now sees the first one's state
        pulled = json.loads(self.tf_stdout(second, "state", "pull"))
        self.assertEqual((pulled["serial"], pulled["lineage"]),
                         (1, versions[0]["lineage"]))


class InitFailuresTest(TerraformTestCase):

    def test_unknown_workspace_is_an_error_not_no_state(self):
        secret = "SECRET-" + uuid.uuid4().hex
        cwd = self.workdir("unknown", secret)
        code, out = self.tf(cwd, "init", "-input=false",
                            *self.harness_backend_args("does-not-exist"), expect_ok=False)
        self.assertNotEqual(code, 0, out)
        self.assertIn("Unexpected HTTP response code 422", out)
        # and nothing was created by the attempt
        self.assertEqual(self.client.api("GET", ws_path("does-not-exist")).status, 404)

    def test_wrong_password_is_an_auth_error(self):
        ws = "tf-auth"
        self.client.create_workspace(ws)
        cwd = self.workdir("auth", "SECRET-x")
        code, out = self.tf(cwd, "init", "-input=false", *self.harness_backend_args(ws),
                            password="not-a-key", expect_ok=False)
        self.assertNotEqual(code, 0, out)
        self.assertIn("HTTP remote state endpoint requires auth", out)

    def test_backend_config_endpoint_is_usable(self):
        ws = "tf-generated-config"
        self.client.create_workspace(ws)
        r = self.client.api("GET", ws_path(ws) + "/backend-config")
        self.assertStatus(r, 200)
        block = r.raw.decode()
        if not re.search(r"^\s*terraform\s*\{", block, re.M):
            block = "terraform {\n" + block + "\n}\n"
        secret = "SECRET-" + uuid.uuid4().hex
        main_tf = MAIN_TF.replace('terraform {\n  backend "http" {}\n}\n', "")
        cwd = self.workdir("generated", secret, main_tf)
        with open(os.path.join(cwd, "backend.tf"), "w") as f:
            f.write(block)
        self.tf(cwd, "init", "-input=false")
        code, out = self.tf(cwd, "apply", "-auto-approve", "-input=false")
        self.assertIn("Apply complete! Resources: 3 added, 0 changed, 0 destroyed.", out)
        self.check_applied(ws, cwd, secret)
        self.tf(cwd, "destroy", "-auto-approve", "-input=false")
        self.assertEqual(self.client.get_workspace(ws)["status"], "inactive")


if __name__ == "__main__":
    unittest.main()
