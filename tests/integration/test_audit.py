"""The audit trail seen from outside: `terrane serve` records every change and every refused
attempt (who, when, from where, what, outcome), keeps the records after the workspace they
describe is deleted, never stores state bodies, secret values or keys, and serves them through
GET /v1/audit and `terrane audit list`; `terrane admin prune-audit` is the retention.
"""

import json
import os
import time
import sqlite3
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from terrane_harness import (ServerTestCase, TerraneServer, lock_info, managed_resource,  # noqa: E402
                             now_ms, run_cli, sha256_hex, state_doc, terrane_bin, ws_base,
                             ws_path)
from test_runs import RunTestCase, SIMPLE_TF  # noqa: E402


class AuditMixin:

    def audit(self, expect=200, client=None, **query):
        q = "&".join(f"{k}={v}" for k, v in query.items())
        r = (client or self.client).api("GET", "/v1/audit" + (f"?{q}" if q else ""))
        self.assertEqual(r.status, expect, r)
        return r

    def records(self, **query):
        query.setdefault("limit", 1000)
        return self.audit(**query).body

    def summary(self, **query):
        return [(r["action"], r["status"], r["outcome"]) for r in self.records(**query)]

    def raw_audit_rows(self):
        """Every stored audit row, read from the database file itself."""
        db = sqlite3.connect(os.path.join(self.server.data_dir, "terrane.db"), timeout=30)
        try:
            return db.execute("SELECT * FROM audit_log ORDER BY seq").fetchall()
        finally:
            db.close()


class AuditApiTest(AuditMixin, ServerTestCase):

    def test_allowed_and_refused_changes_are_recorded_with_who_when_where(self):
        ws = self.unique()
        t0 = now_ms()
        self.client.create_workspace(ws)
        state = state_doc(1, "lineage-a", managed=1)
        self.assertStatus(self.client.put_state(ws, state), 200)
        refused = self.client.api("DELETE", ws_path(ws))
        self.assertGoaError(refused, 409, "conflict", "is active")
        self.client.get_workspace(ws)  # reads are not recorded
        t1 = now_ms()

        got = self.records(workspace=ws)
        self.assertEqual([(r["action"], r["status"], r["outcome"]) for r in got],
                         [("workspace.delete", 409, "refused"), ("state.write", 200, "success"),
                          ("workspace.create", 200, "success")])
        delete, write, create = got
        self.assertIn(f"workspace '{ws}' is active", delete["message"])
        for r in got:
            self.assertEqual((r["account"], r["org"], r["project"], r["workspace"]),
                             ("default", "default", "default", ws))
            self.assertEqual(r["actor"], "api_key:admin")
            self.assertRegex(r["actor_id"], "^[0-9a-f]{16}$")
            self.assertEqual(r["remote"], "127.0.0.1")
            self.assertTrue(t0 <= r["time"] <= t1, (t0, r["time"], t1))
            self.assertRegex(r["request_id"], "^[0-9a-f]{12}$")
        self.assertEqual((delete["method"], delete["path"]), ("DELETE", ws_path(ws)))
        self.assertEqual(write["method"], "POST")
        self.assertEqual(write["path"], ws_path(ws) + "/terraform-backend")  # no query string
        self.assertEqual(write["details"], {
            "version": self.client.versions(ws)[0]["id"], "serial": 1, "lineage": "lineage-a",
            "sha256": sha256_hex(state), "created": True})
        self.assertEqual(create["message"], "")
        self.assertGreater(delete["id"], write["id"])
        self.assertGreater(write["id"], create["id"])

    def test_records_survive_the_deletion_of_their_workspace(self):
        ws = self.unique()
        self.client.create_workspace(ws)
        lock = self.client.api("POST", ws_path(ws) + "/actions/lock", {"reason": "maintenance"})
        self.assertStatus(lock, 200)
        self.assertStatus(self.client.api("DELETE", ws_path(ws)), 423)
        self.assertStatus(self.client.api("POST", ws_path(ws) + "/actions/force-unlock"), 200)
        self.assertStatus(self.client.api("DELETE", ws_path(ws)), 204)
        self.assertStatus(self.client.api("GET", ws_path(ws)), 404)

        self.assertEqual(self.summary(workspace=ws),
                         [("workspace.delete", 204, "success"),
                          ("lock.force_release", 200, "success"),
                          ("workspace.delete", 423, "refused"), ("lock.acquire", 200, "success"),
                          ("workspace.create", 200, "success")])
        acquired = self.records(workspace=ws, action="lock.acquire")[0]
        self.assertEqual(acquired["details"], {"lock_id": lock.body["id"]})
        # The identifier can be reused; the old history stays with the new workspace's.
        self.client.create_workspace(ws)
        self.assertEqual(len(self.records(workspace=ws)), 6)

    def test_backend_lock_unlock_and_force_unlock_are_recorded(self):
        ws = self.unique()
        self.client.create_workspace(ws)
        lock_id, body = lock_info()
        lock_url = ws_path(ws) + "/terraform-backend/lock?accountIdentifier=default"
        self.assertStatus(self.client.state("LOCK", ws_path(ws) + "/terraform-backend"
                                             "?accountIdentifier=default", body), 200)
        other_id, other = lock_info()
        self.assertStatus(self.client.state("POST", lock_url, other), 423)
        self.assertStatus(self.client.state("UNLOCK", ws_path(ws) + "/terraform-backend"
                                            "?accountIdentifier=default", body), 200)
        self.assertStatus(self.client.state("POST", lock_url, other), 200)
        self.assertStatus(self.client.state("DELETE", lock_url), 200)  # force-unlock: no body
        self.assertStatus(self.client.state("DELETE", ws_path(ws) + "/terraform-backend"
                                            "?accountIdentifier=default"), 405)
        got = self.records(workspace=ws)
        self.assertEqual([(r["action"], r["status"]) for r in got],
                         [("state.delete", 405), ("lock.force_release", 200),
                          ("lock.acquire", 200), ("lock.release", 200), ("lock.acquire", 423),
                          ("lock.acquire", 200), ("workspace.create", 200)])
        self.assertEqual(got[2]["details"], {"lock_id": other_id})
        self.assertEqual(got[5]["details"], {"lock_id": lock_id})
        self.assertIn("already locked", got[4]["message"])

    def test_unauthenticated_and_foreign_attempts_are_recorded_as_refused(self):
        ws = self.unique()
        self.assertStatus(self.client.api("DELETE", ws_path(ws), key=None), 401)
        self.assertStatus(self.client.api("DELETE", ws_path(ws), key="tk.0000000000000000.x"), 401)
        self.server.create_account("audit_other")
        other_key = self.server.create_api_key(account="audit_other", name="outsider")
        self.assertStatus(self.client.api("DELETE", ws_path(ws), key=other_key), 403)
        got = self.records(workspace=ws)
        self.assertEqual([(r["status"], r["actor"], r["actor_id"] != "") for r in got],
                         [(403, "api_key:outsider", True), (401, "", False), (401, "", False)])
        self.assertTrue(all(r["outcome"] == "refused" for r in got))
        # Another account's key sees its own (empty) trail, never this one.
        other = self.server.client(key=other_key, account="audit_other")
        self.assertEqual(self.audit(client=other).body, [])
        self.assertStatus(other.api("GET", "/v1/audit", account="default"), 403)

    def test_secret_values_state_bodies_and_keys_are_never_stored(self):
        value = "audit-secret-value-5d1c"
        marker = "audit-state-marker-88e2"
        s = "/v1/orgs/default/projects/default/secrets"
        spec = {"type": "SecretText", "value_type": "Inline", "value": value}
        r = self.client.api("POST", s, {"secret": {"identifier": "audit_pw", "name": "pw",
                                                   "spec": spec}})
        self.assertStatus(r, 201)
        self.assertStatus(self.client.api("PUT", s + "/audit_pw", {
            "secret": {"name": "pw", "spec": dict(spec, value=value + "-rotated")}}), 200)
        self.assertStatus(self.client.api("POST", s, {"secret": {"spec": spec}}), 400)
        ws = self.unique()
        self.client.create_workspace(ws, terraform_variables={
            "pw": {"key": "pw", "value": "audit_pw", "value_type": "secret"}},
            environment_variables={})
        state = state_doc(1, "l", resources=[managed_resource(
            "r", attrs={"id": marker, "input": {"value": marker, "type": "string"}})])
        self.assertStatus(self.client.put_state(ws, state), 200)
        self.assertStatus(self.client.put_state(ws, state_doc(2, "l", resources=[managed_resource(
            "r", attrs={"id": marker, "input": None})])), 200)
        self.assertStatus(self.client.api("DELETE", s + "/audit_pw"), 200)
        self.assertStatus(self.client.api("POST", ws_base(), {"identifier": "x"},
                                          key=self.client.key[:-1] + "z"), 401)

        stored = repr(self.raw_audit_rows())
        served = json.dumps(self.records())
        key_secret = self.client.key.rsplit(".", 1)[1]
        for text in (stored, served):
            self.assertNotIn(value, text)
            self.assertNotIn(marker, text)
            self.assertNotIn(key_secret, text)
            self.assertNotIn('"resources"', text)
        secret_actions = self.summary(action="secret.update")
        self.assertEqual(secret_actions, [("secret.update", 200, "success")])
        self.assertEqual(self.records(action="secret.delete")[0]["details"],
                         {"secret": "audit_pw"})

    def test_filters_and_pages(self):
        ws = self.unique()
        self.client.create_workspace(ws)
        # The create's record may carry the very millisecond its answer arrived in.
        time.sleep(0.005)
        t_mid = now_ms()
        for _ in range(3):
            self.assertStatus(self.client.api("PUT", ws_path(ws), {"provisioner": "terraform"}),
                              400)
        self.assertStatus(self.client.api("PUT", ws_path(ws), {
            "name": "renamed", "provisioner": "terraform"}), 200)

        self.assertEqual(len(self.records(workspace=ws)), 5)
        self.assertEqual(len(self.records(workspace=ws, outcome="refused")), 3)
        self.assertEqual(self.summary(workspace=ws, outcome="success"),
                         [("workspace.update", 200, "success"),
                          ("workspace.create", 200, "success")])
        self.assertEqual(len(self.records(workspace=ws, action="workspace.update")), 4)
        self.assertEqual(len(self.records(workspace=ws, actor="api_key:admin")), 5)
        self.assertEqual(self.records(workspace=ws, actor="api_key:nobody"), [])
        self.assertEqual(len(self.records(workspace=ws, **{"from": t_mid})), 4)
        self.assertEqual(len(self.records(workspace=ws, to=t_mid - 1)), 1)
        self.assertEqual(self.records(workspace=ws, org="other"), [])

        page = self.audit(workspace=ws, limit=2, page=3)
        self.assertEqual((page.headers["x-total-items"], page.headers["x-total-pages"],
                          page.headers["x-page-size"]), ("5", "3", "2"))
        self.assertEqual([r["action"] for r in page.body], ["workspace.create"])

        for bad in ("outcome=maybe", "from=yesterday", "limit=0", "page=0"):
            r = self.client.api("GET", "/v1/audit?" + bad)
            self.assertGoaError(r, 400, "bad_request")
        self.assertStatus(self.client.api("GET", "/v1/audit", key=None), 401)

    def test_every_audit_record_names_an_action_of_a_change(self):
        for r in self.records():
            self.assertRegex(r["action"], r"^[a-z_]+\.[a-z_]+$")
            self.assertNotEqual(r["method"], "GET")


class AuditRunsTest(AuditMixin, RunTestCase):
    """Run start, approve, reject and cancel, and the state writes a run's terraform makes."""

    def test_run_decisions_and_run_state_writes_are_recorded(self):
        repo = self.repo({"main.tf": SIMPLE_TF % {"value": "one"}})
        ws = self.workspace(repo)
        run = self.start(ws, "provision", approval_required=True)
        self.wait(ws, run["id"], statuses=("waiting_approval",))
        r = self.client.api("POST", f"{ws_path(ws)}/runs/{run['id']}/approve")
        self.assertStatus(r, 200)
        self.assertEqual(self.wait(ws, run["id"])["status"], "succeeded", self.log(ws, run["id"]))
        again = self.client.api("POST", f"{ws_path(ws)}/runs/{run['id']}/approve")
        self.assertStatus(again, 409)

        rejected = self.start(ws, "destroy", approval_required=True)
        self.wait(ws, rejected["id"], statuses=("waiting_approval",))
        self.assertStatus(
            self.client.api("POST", f"{ws_path(ws)}/runs/{rejected['id']}/reject"), 200)
        self.wait(ws, rejected["id"])
        cancelled = self.start(ws, "plan")
        self.assertStatus(
            self.client.api("POST", f"{ws_path(ws)}/runs/{cancelled['id']}/cancel"), 200)
        self.wait(ws, cancelled["id"])
        self.assertStatus(self.client.api("DELETE", ws_path(ws)), 409)

        by_run = {}
        for r in self.records(workspace=ws):
            by_run.setdefault(r["run"], []).append((r["action"], r["status"], r["actor"]))
        admin = "api_key:admin"
        self.assertEqual(by_run[run["id"]][-2:], [("run.approve", 200, admin),
                                                  ("run.start", 200, admin)])
        self.assertEqual(by_run[run["id"]][0], ("run.approve", 409, admin))
        writes = self.records(workspace=ws, action="state.write")
        self.assertGreaterEqual(len(writes), 1)
        for w in writes:
            self.assertEqual((w["actor"], w["actor_id"], w["outcome"]),
                             (f"run:{run['id']}", run["id"], "success"))
        self.assertEqual(by_run[rejected["id"]], [("run.reject", 200, admin),
                                                  ("run.start", 200, admin)])
        self.assertEqual(by_run[cancelled["id"]], [("run.cancel", 200, admin),
                                                   ("run.start", 200, admin)])
        start = self.records(workspace=ws, action="run.start")
        self.assertEqual([r["details"] for r in start],
                         [{"operation": "plan"}, {"operation": "destroy"},
                          {"operation": "provision"}])
        self.assertEqual(by_run[""][0][:2], ("workspace.delete", 409))


class AuditCliTest(AuditMixin, ServerTestCase):
    """`terrane audit list` and `terrane admin prune-audit`."""

    def cli(self, *args, expect=0):
        env = {k: v for k, v in os.environ.items() if not k.startswith("TERRANE_")}
        env.update(TERRANE_ADDR=self.server.base_url, TERRANE_API_KEY=self.server.admin_key(),
                   XDG_CONFIG_HOME=self.server.data_dir, HOME=self.server.data_dir)
        proc = subprocess.run([terrane_bin(), *args], capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=60, env=env)
        self.assertEqual(proc.returncode, expect, f"{args}\n{proc.stdout}\n{proc.stderr}")
        return proc

    def test_audit_list_filters_and_prints_a_table_or_json(self):
        ws = self.unique()
        self.client.create_workspace(ws)
        self.assertStatus(self.client.put_state(ws, state_doc(1, "l", managed=1)), 200)
        self.assertStatus(self.client.api("DELETE", ws_path(ws)), 409)

        listed = json.loads(self.cli("audit", "list", "--workspace", ws, "--output", "json").stdout)
        self.assertEqual([r["action"] for r in listed],
                         ["workspace.delete", "state.write", "workspace.create"])
        refused = json.loads(self.cli("audit", "list", "--workspace", ws, "--outcome", "refused",
                                      "--since", "1h", "--output", "json").stdout)
        self.assertEqual([(r["action"], r["status"]) for r in refused],
                         [("workspace.delete", 409)])
        self.assertEqual(json.loads(self.cli("audit", "list", "--workspace", ws, "--until",
                                             "2000-01-01", "--output", "json").stdout), [])
        only = json.loads(self.cli("audit", "list", "--action", "state.write", "--actor",
                                   "api_key:admin", "--output", "json").stdout)
        self.assertIn(ws, [r["workspace"] for r in only])

        table = self.cli("audit", "list", "--workspace", ws).stdout.splitlines()
        self.assertEqual(table[0].split(), ["TIME", "ACTOR", "FROM", "ACTION", "TARGET", "RESULT",
                                            "MESSAGE"])
        self.assertEqual(len(table), 4, table)
        self.assertIn("workspace.delete", table[1])
        self.assertIn(f"default/default/{ws}", table[1])
        self.assertIn("409 refused", table[1])
        self.assertIn("is active", table[1])
        self.assertIn("api_key:admin", table[3])

        bad = self.cli("audit", "list", "--since", "last week", expect=1)
        self.assertIn("--since must be", bad.stderr)
        self.assertEqual(self.cli("audit", "list", "--outcome", "maybe", expect=1).stdout, "")

    def test_prune_audit_deletes_only_older_records(self):
        ws = self.unique()
        self.client.create_workspace(ws)
        before = len(self.records())
        self.assertGreater(before, 0)
        out = run_cli("admin", "prune-audit", "--before", "2000-01-01",
                      "--data-dir", self.server.data_dir).stdout
        self.assertEqual(out.strip(), "pruned 0 audit records older than unix ms 946684800000")
        self.assertEqual(len(self.records()), before)
        cutoff = now_ms() + 1
        out = run_cli("admin", "prune-audit", "--before", str(cutoff),
                      "--data-dir", self.server.data_dir).stdout
        self.assertEqual(out.strip(), f"pruned {before} audit records older than unix ms {cutoff}")
        self.assertEqual(self.records(), [])
        self.assertEqual(self.raw_audit_rows(), [])
        bad = run_cli("admin", "prune-audit", "--before", "soon", "--data-dir",
                      self.server.data_dir, check=False)
        self.assertEqual(bad.returncode, 1)
        self.assertIn("--before must be", bad.stderr)


if __name__ == "__main__":
    unittest.main()
