"""Runs (pipelines) executed by `terrane serve` with the real terraform CLI (1.11.4) from real git
repositories made here: provision, plan, drift, destroy, approval, cancel, failures, queueing,
deletion of everything a workspace's runs stored, and a server killed mid-run.

Offline: only `terraform_data`, `terraform_remote_state` and `local-exec`. When terraform or git
is missing every test FAILS with the reason; nothing is skipped.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from terrane_harness import ServerTestCase, TerraneServer, lock_path, ws_base, ws_path  # noqa: E402
from test_terraform_e2e import terraform_problem  # noqa: E402

RUN_TIMEOUT_S = 240

SIMPLE_TF = """\
resource "terraform_data" "first" {
  input = "%(value)s"
}

resource "terraform_data" "second" {
  input = "${terraform_data.first.output}-2"
}

output "value" {
  value = terraform_data.second.output
}
"""


def git(cwd, *args):
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
    out = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True,
                         timeout=60)
    if out.returncode != 0:
        raise AssertionError(f"git {args} failed: {out.stderr}")
    return out.stdout.strip()


class GitRepo:
    """A real local git repository with one branch `main`."""

    def __init__(self, root, name):
        self.path = os.path.join(root, name)
        os.makedirs(self.path)
        git(self.path, "init", "-q", "-b", "main")

    def commit(self, files, message="change"):
        for rel, text in files.items():
            full = os.path.join(self.path, rel)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w") as f:
                f.write(text)
        git(self.path, "add", "-A")
        git(self.path, "commit", "-q", "-m", message)
        return git(self.path, "rev-parse", "HEAD")


def tf_env_setup(tmp):
    """terraform warns about a missing CLI config; the server's runs inherit this one."""
    problem = terraform_problem()
    if problem:
        raise AssertionError(problem)
    if shutil.which("git") is None:
        raise AssertionError("git is not on PATH; runs check out workspaces with git")
    cfg = os.path.join(tmp, "terraformrc")
    open(cfg, "w").close()
    os.environ["TF_CLI_CONFIG_FILE"] = cfg
    os.environ["CHECKPOINT_DISABLE"] = "1"


class RunTestCase(ServerTestCase):
    server_args = ("--cancel-grace", "5")

    @classmethod
    def setUpClass(cls):
        cls._tmp = tempfile.TemporaryDirectory(prefix="terrane-runs-")
        tf_env_setup(cls._tmp.name)
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls._tmp.cleanup()

    def repo(self, files):
        r = GitRepo(self._tmp.name, self.unique("repo"))
        r.commit(files, "initial")
        return r

    def workspace(self, repo, **fields):
        ws = self.unique("ws")
        body = {"repository": repo.path, "repository_branch": "main"}
        body.update(fields)
        self.client.create_workspace(ws, **body)
        return ws

    def start(self, ws, operation, expect=200, **options):
        r = self.client.api("POST", ws_path(ws) + "/runs", dict(operation=operation, **options))
        self.assertEqual(r.status, expect, r)
        return r.body

    def run_of(self, ws, run_id):
        r = self.client.api("GET", f"{ws_path(ws)}/runs/{run_id}")
        self.assertEqual(r.status, 200, r)
        return r.body

    def wait(self, ws, run_id, statuses=("succeeded", "failed", "cancelled", "rejected"),
             timeout=RUN_TIMEOUT_S):
        deadline = time.monotonic() + timeout
        while True:
            run = self.run_of(ws, run_id)
            if run["status"] in statuses:
                return run
            if time.monotonic() > deadline:
                raise AssertionError(f"run {run_id} still {run['status']} after {timeout}s:\n"
                                     f"{self.log(ws, run_id)}")
            time.sleep(0.2)

    def wait_log(self, ws, run_id, text, timeout=RUN_TIMEOUT_S):
        deadline = time.monotonic() + timeout
        while text not in self.log(ws, run_id):
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never appeared in:\n{self.log(ws, run_id)}")
            time.sleep(0.2)

    def log(self, ws, run_id):
        r = self.client.api("GET", f"{ws_path(ws)}/runs/{run_id}/logs")
        self.assertEqual(r.status, 200, r)
        return r.raw.decode()

    def status(self, ws):
        return self.client.get_workspace(ws)["status"]

    def steps(self, run):
        return [(s["name"], s["status"]) for s in run["steps"]]


class LifecycleTest(RunTestCase):

    def test_provision_plan_destroy_delete(self):
        repo = self.repo({"main.tf": SIMPLE_TF % {"value": "one"}})
        head = git(repo.path, "rev-parse", "HEAD")
        ws = self.workspace(repo)
        run = self.start(ws, "provision")
        self.assertEqual((run["status"], run["operation"], run["workspace"]),
                         ("queued", "provision", ws))
        self.assertTrue(run["id"].startswith("run-"))
        done = self.wait(ws, run["id"])
        log = self.log(ws, run["id"])
        self.assertEqual(done["status"], "succeeded", log)
        self.assertEqual(self.steps(done), [("init", "succeeded"), ("plan", "succeeded"),
                                            ("apply", "succeeded")])
        self.assertEqual([s["exit_code"] for s in done["steps"]], [0, 2, 0])
        self.assertEqual(done["commit_sha"], head)
        self.assertEqual(done["resource_changes"],
                         {"add": 2, "change": 0, "destroy": 0, "has_changes": True})
        self.assertIn("Apply complete! Resources: 2 added, 0 changed, 0 destroyed.", log)
        self.assertIn(f"[terrane] commit {head}", log)
        w = self.client.get_workspace(ws)
        self.assertEqual((w["status"], w["backend_locked"]), ("active", False))
        versions = self.client.versions(ws)
        self.assertEqual(len(versions), 1)
        self.assertEqual(w["state_checksum"], versions[0]["sha256"])
        res = self.client.api("GET", ws_path(ws) + "/resources").body
        self.assertEqual(sorted(r["name"] for r in res["resources"]), ["first", "second"])

        plan = self.client.api("GET", f"{ws_path(ws)}/runs/{run['id']}/plan")
        self.assertEqual(plan.status, 200)
        self.assertIn(b"terraform_data.first will be created", plan.raw)
        plan_json = self.client.api("GET", f"{ws_path(ws)}/runs/{run['id']}/plan?format=json")
        self.assertEqual(len(plan_json.body["resource_changes"]), 2)

        # a new commit changes the configuration: a plan shows it and the status says so
        repo.commit({"main.tf": SIMPLE_TF % {"value": "two"}})
        plan_run = self.wait(ws, self.start(ws, "plan")["id"])
        self.assertEqual(plan_run["status"], "succeeded", self.log(ws, plan_run["id"]))
        self.assertEqual(self.steps(plan_run), [("init", "succeeded"), ("plan", "succeeded")])
        self.assertEqual(plan_run["resource_changes"]["change"], 2)
        self.assertEqual(self.status(ws), "apply_needed")
        self.assertEqual(len(self.client.versions(ws)), 1)  # a plan never writes state

        r = self.client.api("DELETE", ws_path(ws))
        self.assertGoaError(r, 409, "conflict", "apply_needed", "destroy")

        destroy = self.wait(ws, self.start(ws, "destroy")["id"])
        self.assertEqual(destroy["status"], "succeeded", self.log(ws, destroy["id"]))
        self.assertEqual(self.steps(destroy), [("init", "succeeded"), ("plan-destroy", "succeeded"),
                                               ("destroy", "succeeded")])
        self.assertEqual(destroy["resource_changes"]["destroy"], 2)
        self.assertIn("Apply complete! Resources: 0 added, 0 changed, 2 destroyed.",
                      self.log(ws, destroy["id"]))
        self.assertEqual(self.status(ws), "inactive")

        runs = self.client.api("GET", ws_path(ws) + "/runs")
        self.assertEqual([x["id"] for x in runs.body],
                         [destroy["id"], plan_run["id"], run["id"]])
        self.assertEqual(runs.headers["x-total-items"], "3")
        executions = self.client.api("GET", "/iacm/api/orgs/default/projects/default/executions")
        self.assertIn(run["id"], [x["id"] for x in executions.body])

        self.assertEqual(self.client.api("DELETE", ws_path(ws)).status, 204)
        # every run, log and artifact went with it; the identifier is free again
        self.client.create_workspace(ws, repository=repo.path, repository_branch="main")
        self.assertEqual(self.client.api("GET", ws_path(ws) + "/runs").body, [])
        for sub in ("", "/logs", "/plan"):
            r = self.client.api("GET", f"{ws_path(ws)}/runs/{run['id']}{sub}")
            self.assertGoaError(r, 404, "not_found", run["id"])
        executions = self.client.api("GET", "/iacm/api/orgs/default/projects/default/executions")
        self.assertNotIn(run["id"], [x["id"] for x in executions.body])

    def test_followed_log_streams_until_the_run_ends(self):
        repo = self.repo({"main.tf": SIMPLE_TF % {"value": "f"}})
        ws = self.workspace(repo)
        run = self.start(ws, "provision")
        conn = self.client.connection(timeout=RUN_TIMEOUT_S)
        conn.request("GET", f"{ws_path(ws)}/runs/{run['id']}/logs?follow=true",
                     headers={"x-api-key": self.client.key, "Harness-Account": "default"})
        resp = conn.getresponse()
        self.assertEqual(resp.status, 200)
        self.assertEqual(resp.getheader("Transfer-Encoding"), "chunked")
        streamed = resp.read().decode()
        conn.close()
        self.assertIn("Apply complete!", streamed)
        self.assertTrue(streamed.rstrip().endswith("[terrane] run succeeded"), streamed[-300:])
        self.assertEqual(streamed, self.log(ws, run["id"]))


class FailureTest(RunTestCase):

    def test_failing_apply_marks_the_workspace_failed(self):
        tf = SIMPLE_TF % {"value": "x"} + """
resource "terraform_data" "broken" {
  provisioner "local-exec" {
    command = "echo about to fail; exit 7"
  }
}
"""
        ws = self.workspace(self.repo({"main.tf": tf}))
        done = self.wait(ws, self.start(ws, "provision")["id"])
        self.assertEqual(done["status"], "failed")
        self.assertEqual(self.steps(done)[-1], ("apply", "failed"))
        self.assertEqual(done["steps"][-1]["exit_code"], 1)
        self.assertIn("apply failed with exit code 1", done["message"])
        self.assertIn("state changed", done["message"])
        self.assertIn("about to fail", self.log(ws, done["id"]))
        w = self.client.get_workspace(ws)
        self.assertEqual((w["status"], w["backend_locked"]), ("failed", False))

    def test_failed_plan_leaves_the_status_alone(self):
        ws = self.workspace(self.repo({"main.tf": 'resource "terraform_data" "a" {\n  input = \n}\n'}))
        done = self.wait(ws, self.start(ws, "provision")["id"])
        self.assertEqual(done["status"], "failed")
        self.assertEqual(self.steps(done), [("init", "failed"), ("plan", "skipped"),
                                            ("apply", "skipped")])
        self.assertIn("stopped before applying anything, so the workspace stays inactive", done["message"])
        self.assertEqual(self.status(ws), "inactive")
        self.assertEqual(self.client.api("DELETE", ws_path(ws)).status, 204)

    def test_bad_requests(self):
        ws = self.workspace(self.repo({"main.tf": SIMPLE_TF % {"value": "b"}}))
        runs = ws_path(ws) + "/runs"
        for body, field in (({"operation": "apply"}, "operation"), ({}, "operation"),
                            ({"operation": "plan", "approval_required": True},
                             "approval_required"),
                            ({"operation": "provision", "targets": "a"}, "targets"),
                            ({"operation": "provision", "targets": ["-lock=false"]}, "targets")):
            self.assertGoaError(self.client.api("POST", runs, body), 400, "bad_request", field)
        self.assertGoaError(self.client.api("POST", runs, "{not json"), 400, "bad_request")
        self.assertGoaError(self.client.api("GET", runs + "/run-0000000000000000"), 404,
                            "not_found")
        self.assertGoaError(self.client.api("POST", ws_path("nope") + "/runs",
                                            {"operation": "plan"}), 404, "not_found")
        self.assertGoaError(self.client.api("POST", runs, {"operation": "plan"}, key="tk.x.y"),
                            401, "unauthorized")
        bare = self.unique("bare")
        self.client.create_workspace(bare)
        self.assertGoaError(self.client.api("POST", ws_path(bare) + "/runs",
                                            {"operation": "plan"}), 409, "conflict", "repository")
        done = self.wait(ws, self.start(ws, "plan")["id"])
        self.assertGoaError(self.client.api("POST", f"{runs}/{done['id']}/approve"), 409,
                            "conflict", "waiting_approval")
        self.assertGoaError(self.client.api("POST", f"{runs}/{done['id']}/cancel"), 409,
                            "conflict", "ended")
        # a manual lock stops runs from starting
        self.assertEqual(self.client.api("POST", ws_path(ws) + "/actions/lock",
                                         {"reason": "freeze"}).status, 200)
        self.assertGoaError(self.client.api("POST", runs, {"operation": "plan"}), 423, "locked",
                            "freeze")
        self.client.api("POST", ws_path(ws) + "/actions/force-unlock")


class ApprovalTest(RunTestCase):

    def test_approve_then_reject(self):
        repo = self.repo({"main.tf": SIMPLE_TF % {"value": "a"}})
        ws = self.workspace(repo)
        run = self.start(ws, "provision", approval_required=True)
        waiting = self.wait(ws, run["id"], statuses=("waiting_approval", "failed"))
        self.assertEqual(waiting["status"], "waiting_approval", self.log(ws, run["id"]))
        self.assertEqual(self.steps(waiting), [("init", "succeeded"), ("plan", "succeeded"),
                                               ("approval", "waiting"), ("apply", "pending")])
        self.assertEqual(waiting["resource_changes"]["add"], 2)
        self.assertEqual(self.status(ws), "provisioning")
        self.assertTrue(self.client.get_workspace(ws)["backend_locked"])
        self.assertEqual(self.client.versions(ws), [])  # nothing applied before approval
        approved = self.client.api("POST", f"{ws_path(ws)}/runs/{run['id']}/approve")
        self.assertEqual(approved.status, 200, approved)
        done = self.wait(ws, run["id"])
        self.assertEqual(done["status"], "succeeded", self.log(ws, run["id"]))
        self.assertEqual(done["decided_by"], "api_key:admin")
        self.assertEqual(self.steps(done)[2:], [("approval", "succeeded"), ("apply", "succeeded")])
        self.assertEqual(self.status(ws), "active")

        repo.commit({"main.tf": SIMPLE_TF % {"value": "b"}})
        run2 = self.start(ws, "provision", approval_required=True)
        self.wait(ws, run2["id"], statuses=("waiting_approval",))
        rejected = self.client.api("POST", f"{ws_path(ws)}/runs/{run2['id']}/reject")
        self.assertEqual(rejected.status, 200, rejected)
        self.assertEqual(rejected.body["status"], "rejected")
        self.assertIn("stopped before applying anything, so the workspace stays active", rejected.body["message"])
        w = self.client.get_workspace(ws)
        self.assertEqual((w["status"], w["backend_locked"]), ("active", False))
        self.assertEqual(len(self.client.versions(ws)), 1)


class QueueAndCancelTest(RunTestCase):

    def test_runs_of_one_workspace_queue_and_cancel_stops_terraform(self):
        tf = """
resource "terraform_data" "slow" {
  provisioner "local-exec" {
    command = "echo sleeping; sleep 300"
  }
}
"""
        ws = self.workspace(self.repo({"main.tf": tf}))
        first = self.start(ws, "provision")
        second = self.start(ws, "plan")
        self.wait_log(ws, first["id"], "sleeping")
        self.assertEqual(self.run_of(ws, second["id"])["status"], "queued")
        r = self.client.api("DELETE", ws_path(ws))
        self.assertGoaError(r, 409, "conflict", first["id"], "cancel")
        started = time.monotonic()
        r = self.client.api("POST", f"{ws_path(ws)}/runs/{first['id']}/cancel")
        self.assertEqual(r.status, 200, r)
        done = self.wait(ws, first["id"], timeout=60)
        self.assertLess(time.monotonic() - started, 45)
        self.assertEqual(done["status"], "cancelled", self.log(ws, first["id"]))
        self.assertEqual(self.steps(done)[-1], ("apply", "cancelled"))
        self.assertIn("cancelled during apply", done["message"])
        # the queued plan runs next, with the lock released by the cancelled run
        after = self.wait(ws, second["id"])
        self.assertEqual(after["status"], "succeeded", self.log(ws, second["id"]))
        self.assertGreaterEqual(after["started"], done["finished"])
        self.assertFalse(self.client.get_workspace(ws)["backend_locked"])

    def test_cancel_a_queued_run(self):
        tf = 'resource "terraform_data" "s" {\n  provisioner "local-exec" {\n    command = "sleep 3"\n  }\n}\n'
        ws = self.workspace(self.repo({"main.tf": tf}))
        first = self.start(ws, "provision")
        second = self.start(ws, "destroy")
        r = self.client.api("POST", f"{ws_path(ws)}/runs/{second['id']}/cancel")
        self.assertEqual((r.status, r.body["status"]), (200, "cancelled"), r)
        self.assertEqual(self.wait(ws, first["id"])["status"], "succeeded")
        self.assertEqual(self.run_of(ws, second["id"])["status"], "cancelled")
        self.assertEqual(self.status(ws), "active")


class DriftTest(RunTestCase):

    def test_drift_through_a_remote_state_of_another_workspace(self):
        producer_tf = """
variable "color" {
  type = string
}
resource "terraform_data" "paint" {
  input = var.color
}
output "color" {
  value = terraform_data.paint.output
}
"""
        consumer_tf = """
variable "terrane_key" {
  type      = string
  sensitive = true
}
variable "producer_address" {
  type = string
}
data "terraform_remote_state" "producer" {
  backend = "http"
  config = {
    address  = var.producer_address
    username = "harness"
    password = var.terrane_key
  }
}
resource "terraform_data" "copy" {
  input = data.terraform_remote_state.producer.outputs.color
}
output "seen" {
  value = data.terraform_remote_state.producer.outputs.color
}
"""
        producer_repo = self.repo({"main.tf": producer_tf})
        producer = self.workspace(producer_repo, terraform_variables={
            "color": {"key": "color", "value": "blue", "value_type": "string"}})
        self.assertEqual(self.wait(producer, self.start(producer, "provision")["id"])["status"],
                         "succeeded")
        address = (f"{self.client.base_url}{ws_path(producer)}/terraform-backend"
                   "?accountIdentifier=default")
        consumer = self.workspace(self.repo({"main.tf": consumer_tf}), terraform_variables={
            "terrane_key": {"key": "terrane_key", "value": self.client.key, "value_type": "string"},
            "producer_address": {"key": "producer_address", "value": address,
                                 "value_type": "string"}})
        run = self.wait(consumer, self.start(consumer, "provision")["id"])
        self.assertEqual(run["status"], "succeeded", self.log(consumer, run["id"]))
        clean = self.wait(consumer, self.start(consumer, "drift")["id"])
        self.assertEqual(clean["status"], "succeeded", self.log(consumer, clean["id"]))
        self.assertEqual(self.steps(clean), [("init", "succeeded"), ("detect-drift", "succeeded")])
        self.assertFalse(clean["resource_changes"]["has_changes"])
        self.assertEqual(self.status(consumer), "active")

        # the producer changes: the consumer's recorded outputs no longer match reality
        body = self.client.get_workspace(producer)
        r = self.client.api("PUT", ws_path(producer), {
            "name": body["name"], "provisioner": "terraform", "repository": producer_repo.path,
            "repository_branch": "main", "terraform_variables": {
                "color": {"key": "color", "value": "red", "value_type": "string"}}})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.status(producer), "apply_needed")
        self.assertEqual(self.wait(producer, self.start(producer, "provision")["id"])["status"],
                         "succeeded")
        self.assertEqual(self.status(producer), "active")
        drift = self.wait(consumer, self.start(consumer, "drift")["id"])
        self.assertEqual(drift["status"], "succeeded", self.log(consumer, drift["id"]))
        self.assertTrue(drift["resource_changes"]["has_changes"])
        self.assertIn("drift", drift["message"])
        self.assertEqual(self.status(consumer), "drifted")
        self.assertEqual(len(self.client.versions(consumer)), 1)  # drift detection never writes
        fixed = self.wait(consumer, self.start(consumer, "provision")["id"])
        self.assertEqual(fixed["status"], "succeeded", self.log(consumer, fixed["id"]))
        self.assertEqual(self.status(consumer), "active")


class ApprovalTimeoutTest(RunTestCase):
    server_args = ("--approval-timeout", "1")

    def test_an_unapproved_run_fails_after_the_timeout(self):
        ws = self.workspace(self.repo({"main.tf": SIMPLE_TF % {"value": "t"}}))
        run = self.start(ws, "provision", approval_required=True)
        done = self.wait(ws, run["id"], timeout=60)
        self.assertEqual(done["status"], "failed", self.log(ws, run["id"]))
        self.assertIn("nobody approved the run within", done["message"])
        self.assertEqual(self.steps(done)[2:], [("approval", "cancelled"), ("apply", "skipped")])
        w = self.client.get_workspace(ws)
        self.assertEqual((w["status"], w["backend_locked"]), ("inactive", False))


class SecretVariableTest(RunTestCase):

    def test_secret_values_reach_terraform_but_no_log_response_or_plan(self):
        secret = "s3cr3t-" + os.urandom(8).hex()
        other = "org-" + os.urandom(8).hex()
        for base, name, value in (("/v1/orgs/default/projects/default/secrets", "db_pw", secret),
                                  ("/v1/orgs/default/secrets", "org_tok", other)):
            r = self.client.api("POST", base, {"secret": {
                "identifier": name, "name": name,
                "spec": {"type": "SecretText", "value_type": "Inline", "value": value}}})
            self.assertEqual(r.status, 201, r)
        tf = """
variable "password" {
  type      = string
  sensitive = true
}
resource "terraform_data" "check" {
  input = sha256(var.password)
  provisioner "local-exec" {
    command = "echo env=$ORG_TOKEN var=${nonsensitive(var.password)}; test $ORG_TOKEN = %s"
  }
}
output "digest" {
  value = terraform_data.check.output
}
""" % other
        ws = self.workspace(self.repo({"main.tf": tf}), terraform_variables={
            "password": {"key": "password", "value": "db_pw", "value_type": "secret"}},
            environment_variables={
            "ORG_TOKEN": {"key": "ORG_TOKEN", "value": "org.org_tok", "value_type": "secret"}})
        done = self.wait(ws, self.start(ws, "provision")["id"])
        log = self.log(ws, done["id"])
        self.assertEqual(done["status"], "succeeded", log)
        self.assertIn("env=*** var=***", log)
        import hashlib
        outputs = self.client.api("GET", ws_path(ws) + "/resources").body["outputs"]
        self.assertEqual(outputs[0]["value"], hashlib.sha256(secret.encode()).hexdigest())
        for path in (ws_path(ws), f"{ws_path(ws)}/runs/{done['id']}", ws_path(ws) + "/runs",
                     f"{ws_path(ws)}/runs/{done['id']}/plan",
                     f"{ws_path(ws)}/runs/{done['id']}/plan?format=json",
                     f"{ws_path(ws)}/runs/{done['id']}/logs",
                     "/v1/orgs/default/projects/default/secrets/db_pw"):
            raw = self.client.api("GET", path).raw
            self.assertNotIn(secret.encode(), raw, path)
            self.assertNotIn(other.encode(), raw, path)
        with open(self.server.log_path, "rb") as f:
            server_log = f.read() + "\n".join(self.server.stdout_lines).encode()
        self.assertNotIn(secret.encode(), server_log)
        self.assertNotIn(other.encode(), server_log)

    def test_a_deleted_secret_fails_the_run_clearly(self):
        base = "/v1/orgs/default/projects/default/secrets"
        self.client.api("POST", base, {"secret": {"identifier": "gone", "name": "gone", "spec": {
            "type": "SecretText", "value_type": "Inline", "value": "v"}}})
        ws = self.workspace(self.repo({"main.tf": SIMPLE_TF % {"value": "s"}}),
                            environment_variables={
                                "X": {"key": "X", "value": "gone", "value_type": "secret"}})
        self.assertEqual(self.client.api("DELETE", base + "/gone").status, 200)
        done = self.wait(ws, self.start(ws, "provision")["id"])
        self.assertEqual(done["status"], "failed")
        self.assertIn("gone", done["message"])
        self.assertEqual(self.status(ws), "inactive")


class ProvisionerTest(RunTestCase):

    def test_missing_binary_and_wrong_version_fail_with_the_reason(self):
        ws = self.workspace(self.repo({"main.tf": SIMPLE_TF % {"value": "t"}}),
                            provisioner="opentofu")
        done = self.wait(ws, self.start(ws, "plan")["id"])
        self.assertEqual(done["status"], "failed")
        self.assertIn("'tofu' was not found on PATH", done["message"])
        self.assertIn("--tofu-binary", done["message"])
        ws2 = self.workspace(self.repo({"main.tf": SIMPLE_TF % {"value": "t"}}),
                             provisioner_version="1.5.7")
        done = self.wait(ws2, self.start(ws2, "plan")["id"])
        self.assertEqual(done["status"], "failed")
        self.assertIn("1.5.7", done["message"])
        self.assertIn("1.11.4", done["message"])
        ws3 = self.workspace(self.repo({"main.tf": SIMPLE_TF % {"value": "t"}}),
                             provisioner_version="1.11")
        self.assertEqual(self.wait(ws3, self.start(ws3, "plan")["id"])["status"], "succeeded")


class RepositoryPathTest(RunTestCase):

    def test_symlinks_in_the_repository_cannot_lead_a_run_outside_it(self):
        outside = tempfile.mkdtemp(dir=self._tmp.name)
        victim = os.path.join(outside, "victim.tf")
        with open(victim, "w") as f:
            f.write("# precious\n")
        repo = self.repo({"main.tf": SIMPLE_TF % {"value": "l"},
                          "infra/main.tf": SIMPLE_TF % {"value": "i"}})
        os.symlink(outside, os.path.join(repo.path, "escape"))
        os.symlink("..", os.path.join(repo.path, "infra", "up"))
        os.symlink("infra", os.path.join(repo.path, "alias"))
        # files Terrane and terraform write next to the configuration, as links to elsewhere
        os.symlink(victim, os.path.join(repo.path, "terrane_backend_override.tf"))
        os.symlink(os.path.join(outside, "plan"), os.path.join(repo.path, "terrane.tfplan"))
        os.symlink(outside, os.path.join(repo.path, ".terraform"))
        repo.commit({}, "links")
        for path in ("escape", "infra/up/escape", "alias/up/escape"):
            ws = self.workspace(repo, repository_path=path)
            done = self.wait(ws, self.start(ws, "plan")["id"])
            self.assertEqual(done["status"], "failed", self.log(ws, done["id"]))
            self.assertIn("leads outside the repository", done["message"])
            self.assertEqual(self.status(ws), "inactive")
        ws = self.workspace(repo, repository_path="alias")  # a link that stays inside is fine
        done = self.wait(ws, self.start(ws, "plan")["id"])
        self.assertEqual(done["status"], "succeeded", self.log(ws, done["id"]))
        ws = self.workspace(repo)
        done = self.wait(ws, self.start(ws, "provision")["id"])
        self.assertEqual(done["status"], "succeeded", self.log(ws, done["id"]))
        self.assertEqual(self.status(ws), "active")
        with open(victim) as f:
            self.assertEqual(f.read(), "# precious\n")
        self.assertEqual(sorted(os.listdir(outside)), ["victim.tf"])


class RunEnvironmentTest(RunTestCase):
    """What of the server's environment reaches a run, and what the run's log shows of it."""
    CANARY = "canary-" + os.urandom(6).hex()
    MASTER_KEY = "a2V5LWZvci10aGUtZW52aXJvbm1lbnQtdGVzdC0zMmI="  # base64 of 32 bytes

    @classmethod
    def setUpClass(cls):
        os.environ["TERRANE_MASTER_KEY"] = cls.MASTER_KEY
        os.environ["TERRANE_TEST_CANARY"] = cls.CANARY
        try:
            super().setUpClass()
        finally:
            del os.environ["TERRANE_MASTER_KEY"]
            del os.environ["TERRANE_TEST_CANARY"]

    def test_only_the_run_environment_reaches_terraform_and_the_credential_is_masked(self):
        dump = os.path.join(self._tmp.name, self.unique("env"))
        tf = """
resource "terraform_data" "env" {
  provisioner "local-exec" {
    command = "env | sort; env > %s"
  }
}
""" % dump
        ws = self.workspace(self.repo({"main.tf": tf}))
        done = self.wait(ws, self.start(ws, "provision")["id"])
        log = self.log(ws, done["id"])
        self.assertEqual(done["status"], "succeeded", log)
        with open(dump) as f:
            env = dict(line.split("=", 1) for line in f.read().splitlines() if "=" in line)
        self.assertNotIn("TERRANE_MASTER_KEY", env)
        self.assertNotIn(self.MASTER_KEY, "\n".join(env.values()))
        self.assertNotIn(self.CANARY, "\n".join(env.values()))
        allowed = {"PATH", "HOME", "PWD", "SHLVL", "_", "LANG", "TZ", "TF_IN_AUTOMATION",
                   "TF_INPUT", "CHECKPOINT_DISABLE", "GIT_TERMINAL_PROMPT", "TF_DATA_DIR",
                   "TF_CLI_CONFIG_FILE", "TF_PLUGIN_CACHE_DIR", "SSL_CERT_FILE", "SSL_CERT_DIR",
                   "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy",
                   "no_proxy", "TF_HTTP_ADDRESS", "TF_HTTP_USERNAME", "TF_HTTP_PASSWORD"}
        self.assertEqual(set(env) - allowed, set())
        # the run's state credential reaches terraform, never the log
        credential = env["TF_HTTP_PASSWORD"]
        self.assertTrue(credential.startswith("tr."), credential[:3])
        self.assertNotIn(credential, log)
        self.assertIn("TF_HTTP_PASSWORD=***", log)
        self.assertNotIn(self.CANARY, log)
        # it no longer works once the run ended
        r = self.client.state("GET", f"{ws_path(ws)}/terraform-backend?accountIdentifier=default",
                              password=credential)
        self.assertEqual(r.status, 401, r)


class SecretEscapingTest(RunTestCase):

    def test_secrets_with_html_characters_and_several_lines_stay_masked(self):
        value = 'p&ss<w>rd"' + os.urandom(4).hex()
        pem = ("-----BEGIN TEST KEY-----\n" + os.urandom(24).hex() + "\n" + os.urandom(24).hex()
               + "\n-----END TEST KEY-----")
        for name, v in (("html_pw", value), ("pem_key", pem)):
            r = self.client.api("POST", "/v1/orgs/default/projects/default/secrets", {"secret": {
                "identifier": name, "name": name,
                "spec": {"type": "SecretText", "value_type": "Inline", "value": v}}})
            self.assertEqual(r.status, 201, r)
        tf = """
variable "pw" {
  type      = string
  sensitive = true
}
resource "terraform_data" "check" {
  input = sha256(var.pw)
  provisioner "local-exec" {
    command = "printf '%s\\n' \\"$PEM\\""
  }
}
"""
        ws = self.workspace(self.repo({"main.tf": tf}), terraform_variables={
            "pw": {"key": "pw", "value": "html_pw", "value_type": "secret"}},
            environment_variables={
            "PEM": {"key": "PEM", "value": "pem_key", "value_type": "secret"}})
        done = self.wait(ws, self.start(ws, "provision")["id"])
        log = self.log(ws, done["id"])
        self.assertEqual(done["status"], "succeeded", log)
        self.assertIn("(local-exec): ***", log)
        plan_json = self.client.api("GET", f"{ws_path(ws)}/runs/{done['id']}/plan?format=json")
        self.assertEqual(plan_json.body["variables"]["pw"]["value"], "***")
        go_escaped = json.dumps(value).strip('"').replace("<", "\\u003c").replace(
            ">", "\\u003e").replace("&", "\\u0026")
        for raw in (plan_json.raw, log.encode()):
            for form in (value, json.dumps(value).strip('"'), go_escaped):
                self.assertNotIn(form.encode(), raw)
            for line in pem.splitlines():
                self.assertNotIn(line.encode(), raw)


class RunLockTest(RunTestCase):

    def test_the_lock_of_a_run_waiting_for_approval_cannot_be_taken_away(self):
        ws = self.workspace(self.repo({"main.tf": SIMPLE_TF % {"value": "k"}}))
        run = self.start(ws, "provision", approval_required=True)
        self.assertEqual(self.wait(ws, run["id"], statuses=("waiting_approval", "failed"))["status"],
                         "waiting_approval", self.log(ws, run["id"]))
        r = self.client.api("POST", ws_path(ws) + "/actions/force-unlock")
        self.assertGoaError(r, 409, "conflict", run["id"], "cancel")
        # terraform force-unlock by hand: an UNLOCK naming the run's lock id
        r = self.client.state("DELETE", lock_path(ws), json.dumps({"ID": run["id"]}).encode())
        self.assertEqual(r.status, 409, r)
        self.assertEqual(self.client.api("POST", ws_path(ws) + "/actions/lock",
                                         {"reason": "mine"}).status, 423)
        self.assertTrue(self.client.get_workspace(ws)["backend_locked"])
        self.assertEqual(self.client.api("POST", f"{ws_path(ws)}/runs/{run['id']}/approve").status,
                         200)
        done = self.wait(ws, run["id"])
        self.assertEqual(done["status"], "succeeded", self.log(ws, run["id"]))
        self.assertEqual(len(self.client.versions(ws)), 1)
        w = self.client.get_workspace(ws)
        self.assertEqual((w["status"], w["backend_locked"]), ("active", False))
        # once the run ended, a force-unlock is harmless again
        self.assertEqual(self.client.api("POST", ws_path(ws) + "/actions/force-unlock").status, 200)


class HangingListener:
    """A TCP port that accepts connections and never answers: terraform waits on it."""

    def __init__(self):
        import socket
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]

    def close(self):
        self.sock.close()


class CancelDuringPlanTest(RunTestCase):

    def test_a_provision_cancelled_during_plan_keeps_the_status(self):
        hang = HangingListener()
        self.addCleanup(hang.close)
        tf = """
data "terraform_remote_state" "slow" {
  backend = "http"
  config = {
    address = "http://127.0.0.1:%d/state"
  }
}
resource "terraform_data" "a" {
  input = "x"
}
""" % hang.port
        ws = self.workspace(self.repo({"main.tf": tf}))
        run = self.start(ws, "provision")
        self.wait_log(ws, run["id"], "terraform plan")
        self.assertEqual(self.status(ws), "provisioning")
        r = self.client.api("POST", f"{ws_path(ws)}/runs/{run['id']}/cancel")
        self.assertEqual(r.status, 200, r)
        done = self.wait(ws, run["id"], timeout=60)
        self.assertEqual(done["status"], "cancelled", self.log(ws, run["id"]))
        self.assertEqual(self.steps(done), [("init", "succeeded"), ("plan", "cancelled"),
                                            ("apply", "skipped")])
        self.assertIn("before applying anything", done["message"])
        w = self.client.get_workspace(ws)
        self.assertEqual((w["status"], w["backend_locked"]), ("inactive", False))


class RestartTest(unittest.TestCase):
    """A server killed mid-run: the next start marks the run failed and releases its lock."""

    def test_server_killed_mid_run(self):
        with tempfile.TemporaryDirectory(prefix="terrane-restart-") as tmp:
            tf_env_setup(tmp)
            repo = GitRepo(tmp, "repo")
            repo.commit({"main.tf": 'resource "terraform_data" "s" {\n  provisioner "local-exec" {\n'
                                    '    command = "echo started; sleep 20"\n  }\n}\n'})
            data_dir = os.path.join(tmp, "data")
            server = TerraneServer(data_dir=data_dir).start()
            try:
                client = server.client()
                client.create_workspace("victim", repository=repo.path, repository_branch="main")
                r = client.api("POST", ws_path("victim") + "/runs", {"operation": "provision"})
                run_id = r.body["id"]
                deadline = time.monotonic() + RUN_TIMEOUT_S
                while b"started" not in client.api(
                        "GET", f"{ws_path('victim')}/runs/{run_id}/logs").raw:
                    self.assertLess(time.monotonic(), deadline)
                    time.sleep(0.2)
                self.assertEqual(client.get_workspace("victim")["status"], "provisioning")
            finally:
                server.kill()  # SIGKILL: no chance to end the run
            again = TerraneServer(data_dir=data_dir).start()
            try:
                client = again.client()
                run = client.api("GET", f"{ws_path('victim')}/runs/{run_id}").body
                self.assertEqual(run["status"], "failed")
                self.assertIn("server stopped while the run was in progress", run["message"])
                w = client.get_workspace("victim")
                self.assertFalse(w["backend_locked"])
                self.assertIn(w["status"], ("inactive", "failed"))
                # the workspace is usable again: a new run starts and finishes
                r = client.api("POST", ws_path("victim") + "/runs", {"operation": "plan"})
                self.assertEqual(r.status, 200, r)
            finally:
                again.stop()
                again.cleanup()

    def test_a_relative_data_dir_runs_terraform(self):
        # `make run` serves `--data-dir ./data`: git and terraform work inside DATA_DIR/runs/<id>,
        # so that directory must not be named relative to the server's working directory.
        with tempfile.TemporaryDirectory(prefix="terrane-relative-") as tmp:
            tf_env_setup(tmp)
            repo = GitRepo(tmp, "repo")
            repo.commit({"main.tf": SIMPLE_TF % {"value": "rel"}})
            server = TerraneServer(data_dir="./data", cwd=tmp).start()
            try:
                client = server.client()
                client.create_workspace("rel", repository=repo.path, repository_branch="main")
                r = client.api("POST", ws_path("rel") + "/runs", {"operation": "provision"})
                self.assertEqual(r.status, 200, r)
                deadline = time.monotonic() + RUN_TIMEOUT_S
                while True:
                    run = client.api("GET", f"{ws_path('rel')}/runs/{r.body['id']}").body
                    if run["status"] not in ("queued", "running"):
                        break
                    self.assertLess(time.monotonic(), deadline)
                    time.sleep(0.2)
                log = client.api("GET", f"{ws_path('rel')}/runs/{r.body['id']}/logs").raw.decode()
                self.assertEqual(run["status"], "succeeded", log)
                self.assertEqual(client.get_workspace("rel")["status"], "active")
                self.assertNotIn("cannot resolve the checkout", log)
            finally:
                server.stop()
                server.cleanup()


if __name__ == "__main__":
    unittest.main()
