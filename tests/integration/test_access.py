"""Roles, role bindings and the API-key lifecycle against a running server: keys made by
`terrane admin create-api-key` while the server runs, revocation and expiry, variables removed
through PUT, filtered lists, the state backend, cross-account isolation and the CLI commands.
The full route x role matrix runs in-process (handlers_permissions_test) from the same table
the server uses.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from terrane_harness import (ACCOUNT, ORG, PROJECT, ServerTestCase, now_ms,  # noqa: E402
                             run_cli, state_doc, state_path, terrane_bin, ws_base, ws_path)

# Authenticator::kCacheTtl plus margin: how long another process's change may take to be seen.
CACHE_BOUND_S = 8.0


class AccessTestCase(ServerTestCase):

    def key(self, role, org=None, project=None, principal=None, **kw):
        return self.server.create_api_key(role=role, org=org, project=project,
                                          principal=principal, name=role, **kw)

    def as_key(self, key):
        return self.server.client(key)

    def wait_until(self, predicate, what, bound=CACHE_BOUND_S):
        deadline = time.monotonic() + bound
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.2)
        self.fail(f"not within {bound} s: {what}")


class BootstrapTest(AccessTestCase):

    def test_first_key_is_an_admin_service_account(self):
        r = self.client.api("GET", "/v1/role-bindings")
        self.assertStatus(r, 200)
        bindings = [b["role_binding"] for b in r.body]
        self.assertIn(("admin", "admin", None, None),
                      [(b["principal"], b["role"], b.get("org"), b.get("project"))
                       for b in bindings])
        r = self.client.api("GET", "/v1/principals/admin")
        self.assertStatus(r, 200)
        self.assertEqual(r.body["principal"]["type"], "service_account")

    def test_roles_list_built_in_roles_first(self):
        r = self.client.api("GET", "/v1/roles")
        self.assertStatus(r, 200)
        ids = [item["role"]["identifier"] for item in r.body]
        self.assertEqual(ids[:3], ["viewer", "operator", "admin"])
        viewer = r.body[0]
        self.assertTrue(viewer["harness_managed"])
        self.assertEqual(viewer["role"]["permissions"],
                         ["iac_workspace_view", "core_secret_view", "core_organization_view",
                          "core_project_view"])


class LastAdminTest(AccessTestCase):

    def test_the_last_account_admin_cannot_be_removed(self):
        r = self.client.api("GET", "/v1/role-bindings?principal=admin")
        self.assertStatus(r, 200)
        admin = [b["role_binding"]["identifier"] for b in r.body
                 if b["role_binding"]["role"] == "admin" and not b["role_binding"].get("org")]
        self.assertEqual(len(admin), 1, r.body)
        r = self.client.api("DELETE", f"/v1/role-bindings/{admin[0]}")
        self.assertGoaError(r, 409, "conflict", "without an administrator")
        self.assertGoaError(self.client.api("DELETE", "/v1/principals/admin"), 409, "conflict",
                            "without an administrator")
        # Still an administrator.
        self.assertStatus(self.client.api("GET", "/v1/role-bindings"), 200)
        # With a second admin the first binding may go.
        self.key("admin", principal="second_admin")
        self.assertStatus(self.client.api("DELETE", f"/v1/role-bindings/{admin[0]}"), 200)


class ProjectViewerTest(AccessTestCase):
    """A CI key that may read one project and nothing else."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client.create_org("other_org")
        cls.client.create_project("other_org", "other_proj")
        cls.client.create_workspace("seen")
        cls.client.create_workspace("hidden", org="other_org", project="other_proj")

    def setUp(self):
        self.viewer = self.as_key(self.key("viewer", org=ORG, project=PROJECT))

    def test_reads_its_project_and_cannot_delete(self):
        self.assertStatus(self.viewer.api("GET", ws_path("seen")), 200)
        r = self.viewer.api("DELETE", ws_path("seen"))
        self.assertGoaError(r, 403, "forbidden", "iac_workspace_delete", "project 'default/default'")
        self.assertStatus(self.client.api("GET", ws_path("seen")), 200)  # still there

    def test_other_project_is_refused_alike_for_existing_and_missing(self):
        for ws in ("hidden", "no_such_workspace"):
            r = self.viewer.api("GET", ws_path(ws, "other_org", "other_proj"))
            self.assertGoaError(r, 403, "forbidden", "iac_workspace_view")
        r = self.viewer.api("GET", ws_path("x", "no_such_org", "no_such_proj"))
        self.assertGoaError(r, 403, "forbidden", "iac_workspace_view")

    def test_lists_show_only_what_it_may_view(self):
        r = self.viewer.api("GET", "/v1/orgs")
        self.assertStatus(r, 200)
        self.assertEqual([o["org"]["identifier"] for o in r.body], [])  # no org-level grant
        r = self.viewer.api("GET", f"/v1/orgs/{ORG}/projects")
        self.assertEqual([p["project"]["identifier"] for p in r.body], [PROJECT])
        self.assertEqual(self.viewer.api("GET", "/v1/orgs/other_org/projects").body, [])
        # A missing org lists exactly like an org holding nothing it may see.
        self.assertEqual(self.viewer.api("GET", "/v1/orgs/no_such_org/projects").body, [])
        names = [w["identifier"] for w in self.viewer.api("GET", ws_base()).body]
        self.assertIn("seen", names)

    def test_state_backend_needs_accessstate(self):
        r = self.viewer.state("GET", state_path("seen"))
        self.assertGoaError(r, 403, "forbidden", "iac_workspace_accessstate")
        operator = self.as_key(self.key("operator", org=ORG, project=PROJECT))
        body = state_doc(1, "lin-op")
        self.assertStatus(operator.state("POST", state_path("seen"), body), 200)
        self.assertStatus(operator.state("GET", state_path("seen")), 200)
        # The download of a state body is state access too; its metadata is not.
        versions = self.viewer.versions("seen")
        vid = versions[0]["id"]
        r = self.viewer.api("GET", f"{ws_path('seen')}/state-versions/{vid}/download")
        self.assertGoaError(r, 403, "forbidden", "iac_workspace_accessstate")


class VariablePermissionTest(AccessTestCase):
    """Regression: a variable deleted through PUT without the delete-variable permission."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client.api("POST", "/v1/roles", {"role": {
            "identifier": "var_editor", "name": "Variable editor",
            "permissions": ["iac_workspace_view", "iac_workspace_editvariable"]}})

    def put(self, client, ws, variables, **fields):
        body = {"name": ws, "provisioner": "terraform", "terraform_variables": variables,
                "environment_variables": {}}
        body.update(fields)
        return client.api("PUT", ws_path(ws), body)

    def test_update_removing_a_variable_needs_deletevariable(self):
        ws = self.unique()
        two = {"a": {"key": "a", "value": "1", "value_type": "string"},
               "b": {"key": "b", "value": "2", "value_type": "string"}}
        self.client.create_workspace(ws, terraform_variables=two, environment_variables={})
        editor = self.as_key(self.key("var_editor", org=ORG, project=PROJECT))
        changed = dict(two, a={"key": "a", "value": "9", "value_type": "string"})
        self.assertStatus(self.put(editor, ws, changed), 200)
        r = self.put(editor, ws, {"a": changed["a"]})
        self.assertGoaError(r, 403, "forbidden", "iac_workspace_deletevariable")
        r = self.put(editor, ws, changed, description="renamed")
        self.assertGoaError(r, 403, "forbidden", "'iac_workspace_edit'")
        got = self.client.get_workspace(ws)
        self.assertEqual(sorted(got["terraform_variables"]), ["a", "b"])
        self.assertEqual(got["terraform_variables"]["a"]["value"], "9")


class KeyLifecycleTest(AccessTestCase):

    def test_create_list_revoke(self):
        self.assertStatus(self.client.api("POST", "/v1/principals", {"principal": {
            "identifier": "deployer", "type": "service_account"}}), 201)
        self.assertStatus(self.client.api("POST", "/v1/role-bindings", {"role_binding": {
            "principal": "deployer", "role": "viewer"}}), 201)
        r = self.client.api("POST", "/v1/api-keys", {"api_key": {"principal": "deployer",
                                                                 "name": "deploy"}})
        self.assertStatus(r, 201)
        secret, key_id = r.body["key"], r.body["api_key"]["identifier"]
        self.assertTrue(secret.startswith(f"tk.{key_id}."))
        listed = self.client.api("GET", "/v1/api-keys?principal=deployer")
        self.assertStatus(listed, 200)
        self.assertEqual([k["api_key"]["identifier"] for k in listed.body], [key_id])
        self.assertNotIn(secret.split(".")[2], listed.raw.decode())
        self.assertNotIn("sha256", listed.raw.decode())

        deployer = self.as_key(secret)
        self.assertStatus(deployer.api("GET", ws_base()), 200)
        r = self.client.api("DELETE", f"/v1/api-keys/{key_id}")
        self.assertStatus(r, 200)
        self.assertGreater(r.body["api_key"]["revoked"], 0)
        # At once: the server that revoked it drops its cached entry.
        self.assertGoaError(deployer.api("GET", ws_base()), 401, "unauthorized", "revoked")
        self.assertGoaError(deployer.state("GET", state_path("x")), 401, "unauthorized", "revoked")

    def test_expired_key_stops_working(self):
        r = self.client.api("POST", "/v1/api-keys", {"api_key": {"principal": "admin",
                                                                 "expires": now_ms() - 1}})
        self.assertGoaError(r, 400, "bad_request", "api_key.expires")
        r = self.client.api("POST", "/v1/api-keys", {"api_key": {"principal": "admin",
                                                                 "expires": now_ms() + 1500}})
        self.assertStatus(r, 201)
        short = self.as_key(r.body["key"])
        self.assertStatus(short.api("GET", "/v1/orgs"), 200)
        self.wait_until(lambda: short.api("GET", "/v1/orgs").status == 401, "key expired",
                        bound=5.0)
        self.assertGoaError(short.api("GET", "/v1/orgs"), 401, "unauthorized", "expired")

    def test_admin_command_changes_are_seen_by_a_running_server(self):
        viewer_key = self.key("viewer", principal="promoted")
        viewer = self.as_key(viewer_key)
        ws = self.unique()
        body = {"identifier": ws, "name": ws, "provisioner": "terraform"}
        self.assertGoaError(viewer.api("POST", ws_base(), body), 403, "forbidden",
                            "iac_workspace_edit")
        # Another process binds operator to the same principal; seen within the cache TTL.
        self.key("operator", principal="promoted", org=ORG, project=PROJECT)
        self.wait_until(lambda: viewer.api("POST", ws_base(), body).status == 200,
                        "new binding seen")


class CrossAccountTest(AccessTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server.create_account("acct_b")
        cls.client.create_workspace("mine")

    def test_other_accounts_admin_learns_nothing(self):
        other = self.server.client(self.server.create_api_key(account="acct_b"), account=ACCOUNT)
        answers = set()
        for ws in ("mine", "not_there"):
            for method in ("GET", "DELETE"):
                r = other.api(method, ws_path(ws))
                self.assertGoaError(r, 403, "forbidden", "another account")
                answers.add((r.status, r.body["message"]))
        self.assertEqual(len(answers), 1)
        self.assertStatus(self.client.api("GET", ws_path("mine")), 200)
        # Its own account does not hold our key either.
        keys = self.server.client(other.key, account="acct_b").api("GET", "/v1/api-keys")
        self.assertStatus(keys, 200)
        self.assertEqual({k["api_key"]["principal"] for k in keys.body} & {"admin"}, set())


class AccessCliTest(AccessTestCase):

    def cli(self, *args, expect=0):
        home = tempfile.mkdtemp(prefix="terrane-access-cli-")
        env = {k: v for k, v in os.environ.items() if not k.startswith("TERRANE_")}
        env.update(TERRANE_ADDR=self.server.base_url, TERRANE_API_KEY=self.server.admin_key(),
                   XDG_CONFIG_HOME=home, HOME=home)
        proc = subprocess.run([terrane_bin(), *args], capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=60, env=env)
        self.assertEqual(proc.returncode, expect,
                         f"terrane {' '.join(args)}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
        return proc

    def test_roles_bindings_and_keys(self):
        self.cli("role", "create", "approver", "--permission", "iac_workspace_view",
                 "--permission", "iac_workspace_approve")
        roles = json.loads(self.cli("role", "list", "--output", "json").stdout)
        self.assertIn("approver", [r["role"]["identifier"] for r in roles])
        self.assertIn("iac_workspace_approve",
                      self.cli("role", "list", "--permissions").stdout.split())
        self.cli("principal", "create", "team", "--type", "user")
        made = json.loads(self.cli("role-binding", "create", "--principal", "team", "--role",
                                   "approver", "--scope", "project", "--output", "json").stdout)
        binding = made["role_binding"]
        self.assertEqual((binding["org"], binding["project"]), (ORG, PROJECT))
        self.assertIn(binding["identifier"], self.cli("role-binding", "list").stdout)
        # The role is bound: deleting it is refused.
        r = self.cli("role", "delete", "approver", "--yes", expect=1)
        self.assertIn("still bound", r.stderr)

        key = self.cli("key", "create", "--principal", "team", "--expires-in", "1d").stdout.strip()
        self.assertTrue(key.startswith("tk."))
        key_id = key.split(".")[1]
        table = self.cli("key", "list", "--principal", "team").stdout
        self.assertIn(key_id, table)
        self.assertIn("active", table)
        self.assertNotIn(key.split(".")[2], table)
        r = self.cli("key", "revoke", key_id, expect=1)  # no terminal, no --yes
        self.assertIn("--yes", r.stderr)
        self.cli("key", "revoke", key_id, "--yes")
        self.assertIn("revoked", self.cli("key", "list", "--principal", "team").stdout)
        self.assertStatus(self.as_key(key).api("GET", "/v1/orgs"), 401)

        self.cli("role-binding", "delete", binding["identifier"], "--yes")
        self.cli("role", "delete", "approver", "--yes")
        self.cli("principal", "delete", "team", "--yes")

    def test_key_lifetimes_that_overflow_are_refused(self):
        # Regression: the seconds were multiplied without a bound (signed overflow), and the API
        # answered 500 for an expiry beyond int64.
        self.cli("principal", "create", "longlived")
        for lifetime in ("99999999999999999d", "9223372036854775807"):
            r = self.cli("key", "create", "--principal", "longlived", "--expires-in", lifetime,
                         expect=1)
            self.assertIn("--expires-in", r.stderr)
        self.assertEqual(self.cli("key", "list", "--principal", "longlived",
                                  "--output", "json").stdout.strip(), "[]")
        r = self.client.api("POST", "/v1/api-keys", '{"api_key": {"principal": "longlived", '
                                                    '"expires": 18446744073709551615}}')
        self.assertGoaError(r, 400, "bad_request", "api_key.expires")
        self.cli("principal", "delete", "longlived", "--yes")


if __name__ == "__main__":
    unittest.main()
