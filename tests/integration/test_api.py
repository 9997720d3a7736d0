"""REST API black-box tests: auth, orgs/projects, workspace CRUD, listing, locks, deletion."""

import json
import os
import re
import stat
import sys
import threading
import unittest
import urllib.parse
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from terrane_harness import (ACCOUNT, ORG, PROJECT, ServerTestCase, TerraneServer, lock_info,
                             lock_path, now_ms, run_cli, send_request, sha256_hex, state_doc,
                             ws_base, ws_path)

SUMMARY_KEYS = {"account", "org", "project", "identifier", "name", "description", "status",
                "created", "updated"}


class ServerProcessTest(ServerTestCase):
    """Start-up facts: healthz, version, the admin key file, restart persistence."""

    def test_healthz_needs_no_auth(self):
        r = self.client.request("GET", "/healthz")
        self.assertStatus(r, 200)

    def test_version_command(self):
        out = run_cli("version").stdout
        self.assertRegex(out, r"^terrane \S+\n$")

    def test_admin_key_file(self):
        path = os.path.join(self.server.data_dir, "admin-api-key")
        st = os.stat(path)
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
        with open(path) as f:
            content = f.read()
        key = content[:-1]
        self.assertEqual(content, key + "\n")
        self.assertNotEqual(key, "")
        self.assertNotRegex(key, r"\s")
        # printed exactly once on first start
        self.assertEqual(sum(key in line for line in self.server.stdout_lines), 1,
                         self.server.stdout_lines)

    def test_key_created_while_running_works(self):
        key = self.server.create_api_key(name="ci-bot")
        self.assertNotEqual(key, self.server.admin_key())
        r = self.client.api("GET", ws_base(), key=key)
        self.assertStatus(r, 200)
        key2 = self.server.create_api_key(account=ACCOUNT)
        self.assertNotIn(key2, (key, self.server.admin_key()))
        self.assertStatus(self.client.api("GET", "/v1/orgs", key=key2), 200)


class RestartTest(unittest.TestCase):
    """Data and keys survive a restart; the admin key is not re-created or re-printed."""

    def test_restart_keeps_data_and_key(self):
        first = TerraneServer()
        try:
            first.start()
            key = first.admin_key()
            c = first.client()
            c.create_workspace("persisted", description="kept")
            r = c.put_state("persisted", state_doc(1, str(uuid.uuid4()), managed=1))
            self.assertEqual(r.status, 200, r)
            stored = c.get_state("persisted").raw
            first.stop()
            second = TerraneServer(data_dir=first.data_dir)
            try:
                second.start()
                self.assertEqual(second.admin_key(), key)
                self.assertFalse(any(key in line for line in second.stdout_lines),
                                 "admin key printed again on restart")
                c2 = second.client()
                ws = c2.get_workspace("persisted")
                self.assertEqual(ws["description"], "kept")
                self.assertEqual(ws["status"], "active")
                r = c2.get_state("persisted")
                self.assertEqual(r.status, 200, r)
                self.assertEqual(r.raw, stored)
                second.stop()
            finally:
                second.cleanup()
        finally:
            first.cleanup()


class AuthTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server.create_account("other")
        cls.other_key = cls.server.create_api_key(account="other")
        cls.client.create_workspace("authws")

    def test_missing_key_is_401(self):
        for method, path in (("GET", ws_base()), ("GET", "/v1/orgs"),
                             ("GET", ws_path("authws")), ("DELETE", ws_path("authws"))):
            with self.subTest(method=method, path=path):
                r = self.client.api(method, path, key=None)
                self.assertGoaError(r, 401, "unauthorized")
        r = self.client.api("POST", ws_base(), {"identifier": "x", "name": "x",
                                                 "provisioner": "terraform"}, key=None)
        self.assertGoaError(r, 401, "unauthorized")
        self.assertStatus(self.client.api("GET", ws_path("x")), 404)

    def test_unknown_key_is_401(self):
        for key in ("not-a-key", "", self.server.admin_key() + "x"):
            with self.subTest(key=key):
                r = self.client.api("GET", ws_base(), key=key)
                self.assertGoaError(r, 401, "unauthorized")

    def test_key_of_other_account_is_403(self):
        r = self.client.api("GET", ws_base(), key=self.other_key)
        self.assertGoaError(r, 403, "forbidden")
        r = self.client.api("GET", ws_path("authws"), key=self.other_key)
        self.assertGoaError(r, 403, "forbidden")
        r = self.client.api("DELETE", ws_path("authws"), key=self.other_key)
        self.assertGoaError(r, 403, "forbidden")
        self.assertEqual(self.client.get_workspace("authws")["identifier"], "authws")
        r = self.client.api("GET", "/v1/orgs", account="other")
        self.assertGoaError(r, 403, "forbidden")

    def test_unknown_account_header_is_403(self):
        r = self.client.api("GET", ws_base(), account="nosuchaccount")
        self.assertGoaError(r, 403, "forbidden")

    def test_other_account_cannot_see_default_workspaces(self):
        r = self.client.api("GET", ws_path("authws"), key=self.other_key, account="other")
        self.assertGoaError(r, 404, "not_found")

    def test_missing_account_header_is_400(self):
        r = self.client.api("GET", ws_base(), account=None)
        self.assertGoaError(r, 400, "bad_request", "Harness-Account")

    def test_valid_key_is_200(self):
        r = self.client.api("GET", ws_base())
        self.assertStatus(r, 200)
        self.assertEqual([w["identifier"] for w in r.body], ["authws"])


class OrgProjectTest(ServerTestCase):

    def test_default_org_and_project_exist(self):
        r = self.client.api("GET", "/v1/orgs/default")
        self.assertStatus(r, 200)
        self.assertEqual(r.body["org"]["identifier"], "default")
        r = self.client.api("GET", "/v1/orgs/default/projects/default")
        self.assertStatus(r, 200)
        self.assertEqual(r.body["project"]["identifier"], "default")
        self.assertEqual(r.body["project"]["org"], "default")

    def test_org_crud(self):
        t0 = now_ms()
        r = self.client.api("POST", "/v1/orgs", {"org": {
            "identifier": "platform", "name": "Platform team", "description": "infra",
            "tags": {"team": "core"}}})
        t1 = now_ms()
        self.assertStatus(r, 201)
        self.assertEqual(r.body["org"], {"identifier": "platform", "name": "Platform team",
                                         "description": "infra", "tags": {"team": "core"}})
        self.assertEqual(set(r.body), {"org", "created", "updated"})
        self.assertTrue(t0 - 1000 <= r.body["created"] <= t1 + 1000, r.body)
        self.assertEqual(r.body["created"], r.body["updated"])
        created = r.body

        r = self.client.api("GET", "/v1/orgs/platform")
        self.assertStatus(r, 200)
        self.assertEqual(r.body, created)

        r = self.client.api("GET", "/v1/orgs")
        self.assertStatus(r, 200)
        self.assertIsInstance(r.body, list)
        by_id = {o["org"]["identifier"]: o for o in r.body}
        self.assertEqual(by_id["platform"], created)
        self.assertIn("default", by_id)

        r = self.client.api("POST", "/v1/orgs", {"org": {"identifier": "platform",
                                                           "name": "again"}})
        self.assertGoaError(r, 409, "conflict", "platform")

        r = self.client.api("DELETE", "/v1/orgs/platform")
        self.assertStatus(r, 200)
        self.assertEqual(r.body["org"]["identifier"], "platform")
        self.assertGoaError(self.client.api("GET", "/v1/orgs/platform"), 404, "not_found")
        self.assertGoaError(self.client.api("DELETE", "/v1/orgs/platform"), 404, "not_found")

    def test_org_defaults_for_optional_fields(self):
        r = self.client.api("POST", "/v1/orgs", {"org": {"identifier": "bare", "name": "Bare"}})
        self.assertStatus(r, 201)
        self.assertEqual(r.body["org"], {"identifier": "bare", "name": "Bare",
                                         "description": "", "tags": {}})

    def test_org_identifier_rules(self):
        ok = ["_x", "a$b", "A" * 128, "Org_1"]
        for ident in ok:
            with self.subTest(ok=ident):
                r = self.client.api("POST", "/v1/orgs", {"org": {"identifier": ident,
                                                                   "name": "n"}})
                self.assertStatus(r, 201)
        bad = ["with-dash", "1abc", "", "a b", "a.b", "A" * 129, "org", "true", "null",
               "stepGroup", "account"]
        for ident in bad:
            with self.subTest(bad=ident):
                r = self.client.api("POST", "/v1/orgs", {"org": {"identifier": ident,
                                                                   "name": "n"}})
                self.assertGoaError(r, 400, "bad_request", "identifier")
                if ident:
                    r = self.client.api("GET", "/v1/orgs/" + urllib.parse.quote(ident))
                    self.assertStatus(r, 404)

    def test_org_body_validation(self):
        cases = [
            ({"org": {"name": "n"}}, "identifier"),
            ({"org": {"identifier": "noname"}}, "name"),
            ({"org": {"identifier": 7, "name": "n"}}, "identifier"),
            ({"org": {"identifier": "typed", "name": ["n"]}}, "name"),
            ({"identifier": "flat", "name": "n"}, "org"),
            ({"org": "x"}, "org"),
        ]
        for body, field in cases:
            with self.subTest(body=body):
                r = self.client.api("POST", "/v1/orgs", body)
                self.assertGoaError(r, 400, "bad_request", field)
        r = self.client.api("POST", "/v1/orgs", '{"org": {"identifier": "x",')
        self.assertGoaError(r, 400, "bad_request")

    def test_project_crud_and_nonempty_deletes(self):
        self.client.create_org("teamorg")
        r = self.client.api("POST", "/v1/orgs/teamorg/projects", {"project": {
            "identifier": "net", "name": "Network", "description": "vpc",
            "tags": {"k": "v"}}})
        self.assertStatus(r, 201)
        self.assertEqual(r.body["project"]["identifier"], "net")
        self.assertEqual(r.body["project"]["org"], "teamorg")
        self.assertEqual(r.body["project"]["name"], "Network")
        self.assertEqual(r.body["project"]["description"], "vpc")
        self.assertEqual(r.body["project"]["tags"], {"k": "v"})
        self.assertIsInstance(r.body["created"], int)
        created = r.body

        r = self.client.api("GET", "/v1/orgs/teamorg/projects/net")
        self.assertStatus(r, 200)
        self.assertEqual(r.body, created)
        r = self.client.api("GET", "/v1/orgs/teamorg/projects")
        self.assertStatus(r, 200)
        self.assertEqual(r.body, [created])

        r = self.client.api("POST", "/v1/orgs/teamorg/projects",
                            {"project": {"identifier": "net", "name": "dup"}})
        self.assertGoaError(r, 409, "conflict", "net")
        r = self.client.api("POST", "/v1/orgs/teamorg/projects",
                            {"project": {"identifier": "bad-dash", "name": "x"}})
        self.assertGoaError(r, 400, "bad_request", "identifier")
        r = self.client.api("POST", "/v1/orgs/teamorg/projects",
                            {"project": {"identifier": "new", "name": "x"}})
        self.assertGoaError(r, 400, "bad_request", "identifier")
        r = self.client.api("POST", "/v1/orgs/teamorg/projects",
                            {"project": {"identifier": "noname"}})
        self.assertGoaError(r, 400, "bad_request", "name")

        # org with a project cannot go
        r = self.client.api("DELETE", "/v1/orgs/teamorg")
        self.assertGoaError(r, 409, "conflict")
        self.assertStatus(self.client.api("GET", "/v1/orgs/teamorg"), 200)

        # project with a workspace cannot go
        self.client.create_workspace("w1", org="teamorg", project="net")
        r = self.client.api("DELETE", "/v1/orgs/teamorg/projects/net")
        self.assertGoaError(r, 409, "conflict")
        self.assertStatus(self.client.api("GET", "/v1/orgs/teamorg/projects/net"), 200)

        self.assertStatus(self.client.api("DELETE", ws_path("w1", "teamorg", "net")), 204)
        r = self.client.api("DELETE", "/v1/orgs/teamorg/projects/net")
        self.assertStatus(r, 200)
        self.assertEqual(r.body["project"]["identifier"], "net")
        self.assertGoaError(self.client.api("GET", "/v1/orgs/teamorg/projects/net"), 404,
                            "not_found")
        self.assertStatus(self.client.api("DELETE", "/v1/orgs/teamorg"), 200)
        self.assertGoaError(self.client.api("GET", "/v1/orgs/teamorg"), 404, "not_found")

    def test_project_unknown_parents(self):
        r = self.client.api("POST", "/v1/orgs/nosuchorg/projects",
                            {"project": {"identifier": "p", "name": "p"}})
        self.assertGoaError(r, 404, "not_found", "nosuchorg")
        self.assertGoaError(self.client.api("GET", "/v1/orgs/nosuchorg/projects"), 404,
                            "not_found")
        self.assertGoaError(self.client.api("GET", "/v1/orgs/default/projects/nosuchproj"),
                            404, "not_found", "nosuchproj")
        self.assertGoaError(self.client.api("DELETE", "/v1/orgs/default/projects/nosuchproj"),
                            404, "not_found")

    def test_same_project_identifier_in_two_orgs(self):
        self.client.create_org("orga")
        self.client.create_org("orgb")
        self.client.create_project("orga", "shared")
        self.client.create_project("orgb", "shared")
        self.client.create_workspace("same", org="orga", project="shared", description="a")
        self.client.create_workspace("same", org="orgb", project="shared", description="b")
        self.assertEqual(self.client.get_workspace("same", "orga", "shared")["description"], "a")
        self.assertEqual(self.client.get_workspace("same", "orgb", "shared")["description"], "b")


class WorkspaceCreateTest(ServerTestCase):

    def create(self, body, org=ORG, project=PROJECT):
        return self.client.api("POST", ws_base(org, project), body)

    def test_create_returns_empty_object(self):
        r = self.create({"identifier": "plain", "name": "plain", "provisioner": "terraform"})
        self.assertStatus(r, 200)
        self.assertEqual(r.body, {})
        r = self.create({"identifier": "tofu-1", "name": "Tofu one",
                         "provisioner": "opentofu"})
        self.assertStatus(r, 200)
        self.assertEqual(self.client.get_workspace("tofu-1")["provisioner"], "opentofu")

    def test_required_fields(self):
        base = {"identifier": "req", "name": "req", "provisioner": "terraform"}
        for field in ("identifier", "name", "provisioner"):
            with self.subTest(missing=field):
                body = dict(base)
                del body[field]
                self.assertGoaError(self.create(body), 400, "bad_request", field)
        self.assertStatus(self.client.api("GET", ws_path("req")), 404)

    def test_wrong_types(self):
        base = {"identifier": "typed", "name": "typed", "provisioner": "terraform"}
        cases = [("identifier", 5), ("name", True), ("provisioner", ["terraform"]),
                 ("description", 3), ("tags", "team:x"), ("terraform_variables", "x"),
                 ("environment_variables", [1])]
        for field, value in cases:
            with self.subTest(field=field, value=value):
                body = dict(base, **{field: value})
                self.assertGoaError(self.create(body), 400, "bad_request", field)
        self.assertStatus(self.client.api("GET", ws_path("typed")), 404)

    def test_value_rules(self):
        base = {"identifier": "vals", "name": "vals", "provisioner": "terraform"}
        cases = [("identifier", "1abc"), ("identifier", "a b"), ("identifier", "a.b"),
                 ("identifier", ""), ("identifier", "a" * 129), ("name", "bad!name"),
                 ("name", ""), ("name", "n" * 129), ("provisioner", "pulumi"),
                 ("provisioner", "")]
        for field, value in cases:
            with self.subTest(field=field, value=value):
                body = dict(base, **{field: value})
                self.assertGoaError(self.create(body), 400, "bad_request", field)
        for ident in ("a-b_c", "_x", "A" * 128):
            with self.subTest(ok=ident):
                self.assertStatus(self.create(dict(base, identifier=ident)), 200)
        self.assertStatus(self.create(dict(base, identifier="spaced",
                                           name="My Workspace-2 _x")), 200)

    def test_variable_key_rules(self):
        body = {"identifier": "vk", "name": "vk", "provisioner": "terraform",
                "terraform_variables": {"bad key": {"key": "bad key", "value": "1",
                                                    "value_type": "string"}}}
        self.assertGoaError(self.create(body), 400, "bad_request", "key")

    def test_concurrent_duplicate_creates_have_one_winner(self):
        n = 12
        barrier = threading.Barrier(n)
        results = [None] * n

        def create(i):
            barrier.wait()
            results[i] = self.create({"identifier": "race", "name": f"racer {i}",
                                      "provisioner": "terraform"})

        threads = [threading.Thread(target=create, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        winners = [i for i, r in enumerate(results) if r.status == 200]
        self.assertEqual(len(winners), 1, [r.status for r in results])
        for i, r in enumerate(results):
            if i != winners[0]:
                self.assertGoaError(r, 409, "conflict", "race")
        self.assertEqual(self.client.get_workspace("race")["name"], f"racer {winners[0]}")

    def test_unicode_description_round_trips(self):
        text = "héllo ✓ 日本 \"quoted\" \\ back\nline"
        r = self.create({"identifier": "uni", "name": "uni", "provisioner": "terraform",
                         "description": text, "tags": {"clé": "välue"}})
        self.assertStatus(r, 200)
        ws = self.client.get_workspace("uni")
        self.assertEqual(ws["description"], text)
        self.assertEqual(ws["tags"], {"clé": "välue"})

    def test_duplicate_is_409(self):
        body = {"identifier": "dup", "name": "dup", "provisioner": "terraform",
                "description": "first"}
        self.assertStatus(self.create(body), 200)
        r = self.create(dict(body, description="second"))
        self.assertGoaError(r, 409, "conflict", "dup")
        self.assertEqual(self.client.get_workspace("dup")["description"], "first")

    def test_unknown_org_or_project_is_404(self):
        body = {"identifier": "orphan", "name": "orphan", "provisioner": "terraform"}
        self.assertGoaError(self.create(body, org="nosuchorg"), 404, "not_found", "nosuchorg")
        self.assertGoaError(self.create(body, project="nosuchproj"), 404, "not_found",
                            "nosuchproj")
        self.assertGoaError(self.client.api("GET", ws_base(project="nosuchproj")), 404,
                            "not_found")

    def test_bad_bodies(self):
        for raw in ('{"identifier": "x", ', "not json", "", "[1,2]", '"str"', "null"):
            with self.subTest(raw=raw):
                r = self.client.api("POST", ws_base(), raw)
                self.assertGoaError(r, 400, "bad_request")

    def test_number_too_large_is_400_not_a_broken_workspace(self):
        # Regression: 1e999 was stored as infinity and every later GET of the workspace (and of
        # the org) answered 500. Now refused up front, in nested settings too, on POST and PUT.
        for ident, extra in (("inf1", '"budget":1e999'),
                             ("inf2", '"default_pipelines":{"plan":{"x":-1e400}}')):
            with self.subTest(extra=extra):
                raw = ('{"identifier":"%s","name":"n","provisioner":"terraform",%s}'
                       % (ident, extra))
                self.assertGoaError(self.client.api("POST", ws_base(), raw), 400,
                                    "bad_request", "too large")
                self.assertGoaError(self.client.api("GET", ws_path(ident)), 404, "not_found")
        self.client.create_workspace("inf3", budget=12.5)
        r = self.client.api("PUT", ws_path("inf3"),
                            '{"name":"n","provisioner":"terraform","budget":1e999}')
        self.assertGoaError(r, 400, "bad_request", "budget")
        self.assertEqual(self.client.get_workspace("inf3")["budget"], 12.5)
        r = self.client.api("POST", "/v1/orgs", '{"org":{"identifier":"inforg","name":"x",'
                                                '"tags":{},"extra":1e999}}')
        self.assertGoaError(r, 400, "bad_request", "org.extra")

    def test_gateway_alias(self):
        body = {"identifier": "viagw", "name": "viagw", "provisioner": "terraform"}
        r = self.client.api("POST", ws_base(prefix="/gateway/iacm/api"), body)
        self.assertStatus(r, 200)
        r1 = self.client.api("GET", ws_path("viagw", prefix="/gateway/iacm/api"))
        self.assertStatus(r1, 200)
        r2 = self.client.api("GET", ws_path("viagw"))
        self.assertStatus(r2, 200)
        self.assertEqual(r1.body, r2.body)


class WorkspaceShowUpdateTest(ServerTestCase):

    FULL = {
        "identifier": "full",
        "name": "Full workspace",
        "description": "everything set",
        "provisioner": "terraform",
        "provisioner_version": "1.5.7",
        "repository": "https://example.invalid/repo.git",
        "repository_branch": "main",
        "repository_path": "infra/net",
        "tags": {"team": "platform", "env": "prod"},
        "terraform_variables": {
            "region": {"key": "region", "value": "eu-west-1", "value_type": "string"}},
        "environment_variables": {
            "TF_LOG": {"key": "TF_LOG", "value": "INFO", "value_type": "string"}},
    }

    def test_show_body(self):
        t0 = now_ms()
        self.assertStatus(self.client.api("POST", ws_base(), self.FULL), 200)
        t1 = now_ms()
        ws = self.client.get_workspace("full")
        expect = {
            "account": ACCOUNT, "org": ORG, "project": PROJECT, "identifier": "full",
            "name": "Full workspace", "description": "everything set",
            "provisioner": "terraform", "provisioner_version": "1.5.7",
            "repository": "https://example.invalid/repo.git", "repository_branch": "main",
            "repository_path": "infra/net", "tags": {"team": "platform", "env": "prod"},
            "status": "inactive", "backend_locked": False, "state_checksum": "",
        }
        for k, v in expect.items():
            self.assertEqual(ws.get(k), v, f"field {k}: {ws}")
        self.assertIn(ws.get("lock"), (None, {}), ws)
        self.assertTrue(t0 - 1000 <= ws["created"] <= t1 + 1000, ws)
        self.assertEqual(ws["created"], ws["updated"])
        for m, key, value in (("terraform_variables", "region", "eu-west-1"),
                              ("environment_variables", "TF_LOG", "INFO")):
            var = ws[m][key]
            self.assertEqual(var["key"], key)
            self.assertEqual(var["value"], value)
            self.assertEqual(var["value_type"], "string")
            self.assertIsInstance(var["created"], int)
            self.assertIsInstance(var["updated"], int)
            self.assertEqual(list(ws[m]), [key])
        for always in ("provider_connector", "repository_connector", "provisioner_data"):
            self.assertIn(always, ws)
        base = self.client.base_url + ws_path("full") + "/terraform-backend"
        self.assertEqual(ws["terraform_backend"], {
            "address": f"{base}?accountIdentifier={ACCOUNT}",
            "lock_address": f"{base}/lock?accountIdentifier={ACCOUNT}",
            "unlock_address": f"{base}/lock?accountIdentifier={ACCOUNT}",
            "lock_method": "POST",
            "unlock_method": "DELETE",
            "username": "harness",
        })

    def test_backend_config_text(self):
        self.client.create_workspace("cfgws")
        r = self.client.api("GET", ws_path("cfgws") + "/backend-config")
        self.assertStatus(r, 200)
        self.assertTrue(r.headers.get("content-type", "").startswith("text/plain"), r.headers)
        text = r.raw.decode()
        base = self.client.base_url + ws_path("cfgws") + "/terraform-backend"
        self.assertIn('backend "http"', text)
        expect = {
            "address": f"{base}?accountIdentifier={ACCOUNT}",
            "lock_address": f"{base}/lock?accountIdentifier={ACCOUNT}",
            "unlock_address": f"{base}/lock?accountIdentifier={ACCOUNT}",
            "lock_method": "POST", "unlock_method": "DELETE", "username": "harness",
        }
        for attr, value in expect.items():
            m = re.search(r'^\s*%s\s*=\s*"([^"]*)"\s*$' % attr, text, re.M)
            self.assertIsNotNone(m, f"{attr} missing in backend config:\n{text}")
            self.assertEqual(m.group(1), value)
        self.assertNotIn(self.server.admin_key(), text)
        self.assertIsNone(re.search(r"^\s*password\s*=", text, re.M), text)
        self.assertGoaError(self.client.api("GET", ws_path("nosuch") + "/backend-config"), 404,
                            "not_found")

    def test_unknown_workspace_is_404(self):
        r = self.client.api("GET", ws_path("nosuchws"))
        self.assertGoaError(r, 404, "not_found", "nosuchws")
        r = self.client.api("PUT", ws_path("nosuchws"), {"name": "x",
                                                          "provisioner": "terraform"})
        self.assertGoaError(r, 404, "not_found", "nosuchws")
        self.assertGoaError(self.client.api("DELETE", ws_path("nosuchws")), 404, "not_found")

    def test_put_is_full_replacement(self):
        body = dict(self.FULL, identifier="repl")
        self.assertStatus(self.client.api("POST", ws_base(), body), 200)
        before = self.client.get_workspace("repl")
        upd = dict(body)
        del upd["identifier"]
        upd["name"] = "Renamed"
        upd["tags"] = {"team": "net"}
        upd["terraform_variables"] = {
            "zone": {"key": "zone", "value": "b", "value_type": "string"}}
        r = self.client.api("PUT", ws_path("repl"), upd)
        self.assertStatus(r, 200)
        self.assertEqual(r.body, {})
        ws = self.client.get_workspace("repl")
        self.assertEqual(ws["name"], "Renamed")
        self.assertEqual(ws["tags"], {"team": "net"})
        self.assertEqual(list(ws["terraform_variables"]), ["zone"])
        self.assertEqual(ws["terraform_variables"]["zone"]["value"], "b")
        self.assertEqual(list(ws["environment_variables"]), ["TF_LOG"])
        self.assertEqual(ws["created"], before["created"])
        self.assertGreaterEqual(ws["updated"], before["updated"])

        r = self.client.api("PUT", ws_path("repl"), {"name": "Minimal",
                                                      "provisioner": "opentofu"})
        self.assertStatus(r, 200)
        ws = self.client.get_workspace("repl")
        self.assertEqual(ws["name"], "Minimal")
        self.assertEqual(ws["provisioner"], "opentofu")
        self.assertEqual(ws["description"], "")
        self.assertEqual(ws["tags"], {})
        self.assertEqual(ws["terraform_variables"], {})
        self.assertEqual(ws["environment_variables"], {})
        self.assertEqual(ws["identifier"], "repl")
        self.assertEqual(ws["status"], "inactive")

    def test_put_validation(self):
        self.client.create_workspace("putval", description="keep")
        for body, field in (({"provisioner": "terraform"}, "name"),
                            ({"name": "x"}, "provisioner"),
                            ({"name": 1, "provisioner": "terraform"}, "name"),
                            ({"name": "x", "provisioner": "chef"}, "provisioner"),
                            ({"name": "x", "provisioner": "terraform", "tags": "x"}, "tags"),
                            ({"identifier": "renamed", "name": "x",
                              "provisioner": "terraform"}, "identifier")):
            with self.subTest(body=body):
                r = self.client.api("PUT", ws_path("putval"), body)
                self.assertGoaError(r, 400, "bad_request", field)
        r = self.client.api("PUT", ws_path("putval"), "{not json")
        self.assertGoaError(r, 400, "bad_request")
        ws = self.client.get_workspace("putval")
        self.assertEqual(ws["description"], "keep")
        self.assertEqual(ws["name"], "putval")
        self.assertStatus(self.client.api("GET", ws_path("renamed")), 404)


class WorkspaceListTest(ServerTestCase):
    """~40 workspaces in a project of their own."""

    ORG_ = "listorg"
    PROJ = "listproj"
    N = 40

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        c = cls.client
        c.create_org(cls.ORG_)
        c.create_project(cls.ORG_, cls.PROJ)
        cls.names = {}
        cls.tags = {}
        for i in range(cls.N):
            ident = f"ws-{i:02d}"
            # names out of identifier order; some contain "Alpha" in various cases
            word = ["Alpha", "beta", "ALPHAbet", "gamma"][i % 4]
            name = f"{word} {39 - i:02d}"
            tags = {}
            if i % 3 == 0:
                tags["team"] = "blue"
            if i % 5 == 0:
                tags["env"] = "prod"
            cls.names[ident] = name
            cls.tags[ident] = tags
            c.create_workspace(ident, name=name, org=cls.ORG_, project=cls.PROJ, tags=tags,
                               description=f"d{i}")
        cls.active = {"ws-03", "ws-07", "ws-22"}
        for ident in sorted(cls.active):
            r = c.put_state(ident, state_doc(1, str(uuid.uuid4()), managed=2), org=cls.ORG_,
                            project=cls.PROJ)
            assert r.status == 200, r

    def list(self, query=""):
        return self.client.api("GET", ws_base(self.ORG_, self.PROJ) + query)

    def idents(self, resp):
        return [w["identifier"] for w in resp.body]

    def by_name(self, idents=None, reverse=False):
        idents = self.names if idents is None else idents
        return sorted(idents, key=lambda i: self.names[i], reverse=reverse)

    def assertPage(self, resp, total, pages, size):
        self.assertStatus(resp, 200)
        self.assertIsInstance(resp.body, list)
        self.assertEqual(resp.headers.get("x-total-items"), str(total))
        self.assertEqual(resp.headers.get("x-total-pages"), str(pages))
        self.assertEqual(resp.headers.get("x-page-size"), str(size))

    def test_default_page(self):
        r = self.list()
        self.assertPage(r, 40, 2, 30)
        self.assertEqual(self.idents(r), self.by_name()[:30])
        item = r.body[0]
        self.assertEqual(set(item), SUMMARY_KEYS)
        ident = item["identifier"]
        self.assertEqual(item["account"], ACCOUNT)
        self.assertEqual(item["org"], self.ORG_)
        self.assertEqual(item["project"], self.PROJ)
        self.assertEqual(item["name"], self.names[ident])
        self.assertEqual(item["description"], f"d{int(ident[3:])}")
        self.assertEqual(item["status"], "active" if ident in self.active else "inactive")
        r2 = self.list("?page=2")
        self.assertPage(r2, 40, 2, 30)
        self.assertEqual(self.idents(r2), self.by_name()[30:])
        r3 = self.list("?page=3")
        self.assertPage(r3, 40, 2, 30)
        self.assertEqual(r3.body, [])

    def test_paging_walk(self):
        seen = []
        for page in range(1, 7):
            r = self.list(f"?limit=7&page={page}")
            self.assertPage(r, 40, 6, 7)
            self.assertEqual(len(r.body), 7 if page < 6 else 5)
            seen += self.idents(r)
        self.assertEqual(seen, self.by_name())
        r = self.list("?limit=7&page=7")
        self.assertPage(r, 40, 6, 7)
        self.assertEqual(r.body, [])
        r = self.list("?limit=1000")
        self.assertPage(r, 40, 1, 1000)
        self.assertEqual(self.idents(r), self.by_name())
        r = self.list("?limit=40")
        self.assertPage(r, 40, 1, 40)
        r = self.list("?limit=1")
        self.assertPage(r, 40, 40, 1)
        self.assertEqual(self.idents(r), self.by_name()[:1])
        r = self.list("?page=1000000")
        self.assertPage(r, 40, 2, 30)
        self.assertEqual(r.body, [])

    def test_bad_paging(self):
        for q, field in (("?limit=0", "limit"), ("?limit=1001", "limit"),
                         ("?limit=abc", "limit"), ("?limit=-1", "limit"),
                         ("?limit=", "limit"), ("?page=0", "page"), ("?page=abc", "page"),
                         ("?page=-2", "page"), ("?sort=size,ASC", "sort"),
                         ("?sort=name,UP", "sort"), ("?sort=,ASC", "sort"),
                         ("?page=99999999999999999999", "page"),
                         ("?limit=99999999999999999999", "limit"),
                         ("?status=sleeping", "status")):
            with self.subTest(query=q):
                self.assertGoaError(self.list(q), 400, "bad_request", field)

    def test_sort(self):
        r = self.list("?limit=100&sort=name,DESC")
        self.assertPage(r, 40, 1, 100)
        self.assertEqual(self.idents(r), self.by_name(reverse=True))
        r = self.list("?limit=100&sort=name,ASC")
        self.assertEqual(self.idents(r), self.by_name())

    def test_sort_by_updated(self):
        # the first identifier by name gets the newest update
        target = self.by_name()[0]
        body = {"name": self.names[target], "provisioner": "terraform",
                "description": f"d{int(target[3:])}", "tags": self.tags[target]}
        r = self.client.api("PUT", ws_path(target, self.ORG_, self.PROJ), body)
        self.assertStatus(r, 200)
        asc = self.list("?limit=100&sort=updated,ASC")
        self.assertPage(asc, 40, 1, 100)
        desc = self.list("?limit=100&sort=updated,DESC")
        self.assertEqual(sorted(self.idents(asc)), sorted(self.names))
        self.assertEqual(self.idents(asc)[-1], target)
        self.assertEqual(self.idents(desc)[0], target)
        ua = [w["updated"] for w in asc.body]
        self.assertEqual(ua, sorted(ua))
        ud = [w["updated"] for w in desc.body]
        self.assertEqual(ud, sorted(ud, reverse=True))

    def test_search_is_case_insensitive_substring(self):
        expect = [i for i in self.names if "alpha" in self.names[i].lower()]
        self.assertEqual(len(expect), 20)
        for term in ("alpha", "ALPHA", "lPh"):
            with self.subTest(term=term):
                r = self.list(f"?limit=100&searchTerm={term}")
                self.assertPage(r, 20, 1, 100)
                self.assertEqual(self.idents(r), self.by_name(expect))
        r = self.list("?limit=5&searchTerm=alphabet")
        expect = self.by_name([i for i in self.names if "ALPHAbet" in self.names[i]])
        self.assertPage(r, 10, 2, 5)
        self.assertEqual(self.idents(r), expect[:5])
        r = self.list("?searchTerm=Beta%2006")
        self.assertPage(r, 1, 1, 30)
        self.assertEqual(self.idents(r), ["ws-33"])
        r = self.list("?searchTerm=nomatch")
        self.assertPage(r, 0, 0, 30)
        self.assertEqual(r.body, [])
        # SQL LIKE wildcards are literal characters here
        for term in ("_", "%25", "a_p", "%25a", "%5C", "'", "%22"):
            with self.subTest(term=term):
                r = self.list(f"?searchTerm={term}")
                self.assertPage(r, 0, 0, 30)
                self.assertEqual(r.body, [])
        r = self.list("?searchTerm=&limit=100")
        self.assertPage(r, 40, 1, 100)

    def test_status_filter(self):
        r = self.list("?status=active")
        self.assertPage(r, 3, 1, 30)
        self.assertEqual(self.idents(r), self.by_name(self.active))
        inactive = [i for i in self.names if i not in self.active]
        r = self.list("?status=inactive&limit=100")
        self.assertPage(r, 37, 1, 100)
        self.assertEqual(self.idents(r), self.by_name(inactive))
        for q in ("?status=active,inactive&limit=100",
                  "?status=active&status=inactive&limit=100"):
            with self.subTest(query=q):
                r = self.list(q)
                self.assertPage(r, 40, 1, 100)
                self.assertEqual(self.idents(r), self.by_name())
        r = self.list("?status=failed")
        self.assertPage(r, 0, 0, 30)
        self.assertEqual(r.body, [])

    def test_tags_filter(self):
        blue = [i for i in self.names if self.tags[i].get("team") == "blue"]
        prod = [i for i in self.names if self.tags[i].get("env") == "prod"]
        both = [i for i in blue if i in prod]
        self.assertEqual(len(blue), 14)
        self.assertEqual(len(both), 3)
        r = self.list("?tags=team:blue&limit=100")
        self.assertPage(r, 14, 1, 100)
        self.assertEqual(self.idents(r), self.by_name(blue))
        r = self.list("?tags=team&limit=100")
        self.assertEqual(self.idents(r), self.by_name(blue))
        r = self.list("?tags=team:red")
        self.assertPage(r, 0, 0, 30)
        for q in ("?tags=team:blue,env:prod", "?tags=team:blue&tags=env:prod"):
            with self.subTest(query=q):
                r = self.list(q)
                self.assertPage(r, 3, 1, 30)
                self.assertEqual(self.idents(r), self.by_name(both))
        r = self.list("?tags=env:prod&status=active")
        self.assertPage(r, 0, 0, 30)
        r = self.list("?tags=team:blue&status=active")
        self.assertPage(r, 1, 1, 30)
        self.assertEqual(self.idents(r), ["ws-03"])
        r = self.list("?tags=team:blue&status=active&searchTerm=alpha")
        self.assertPage(r, 0, 0, 30)

    def test_combined_filters_paging(self):
        expect = self.by_name([i for i in self.names
                               if "alpha" in self.names[i].lower() and i not in self.active])
        r = self.list("?searchTerm=alpha&status=inactive&limit=4&page=2&sort=name,ASC")
        self.assertPage(r, len(expect), (len(expect) + 3) // 4, 4)
        self.assertEqual(self.idents(r), expect[4:8])


class WorkspaceShowIsNeverStaleTest(ServerTestCase):
    """GET workspace answers are cached while nothing is committed: every change, by this server
    or by any other writer of the database, must show in the very next GET."""

    def test_every_change_shows_in_the_next_get(self):
        self.client.create_workspace("fresh", description="first")
        first = self.client.get_workspace("fresh")
        self.assertEqual(self.client.get_workspace("fresh"), first)
        self.assertEqual(first["description"], "first")

        r = self.client.api("POST", ws_path("fresh") + "/actions/lock", {"reason": "look"})
        self.assertStatus(r, 200)
        locked = self.client.get_workspace("fresh")
        self.assertIs(locked["backend_locked"], True)
        self.assertEqual(locked["lock"]["reason"], "look")
        self.assertStatus(self.client.api("POST", ws_path("fresh") + "/actions/force-unlock"), 200)
        self.assertIs(self.client.get_workspace("fresh")["backend_locked"], False)

        body = {k: first[k] for k in ("name", "provisioner", "tags")}
        body["description"] = "second"
        self.assertStatus(self.client.api("PUT", ws_path("fresh"), body), 200)
        self.assertEqual(self.client.get_workspace("fresh")["description"], "second")

        # Another process writing the database file (another server, an admin tool).
        import sqlite3
        db = sqlite3.connect(os.path.join(self.server.data_dir, "terrane.db"), timeout=10)
        with db:
            db.execute("UPDATE workspaces SET description = 'third' WHERE identifier = 'fresh'")
        db.close()
        self.assertEqual(self.client.get_workspace("fresh")["description"], "third")

    def test_the_answer_follows_the_host_header(self):
        self.client.create_workspace("hosted")
        for host in ("terrane.example:8443", "other.example"):
            r = self.client.api("GET", ws_path("hosted"), headers={"Host": host})
            self.assertStatus(r, 200)
            self.assertTrue(r.body["terraform_backend"]["address"].startswith(
                f"http://{host}/iacm/api/"), r.body["terraform_backend"])

    def test_a_missing_workspace_is_not_found_after_a_hit(self):
        self.client.create_workspace("gone")
        self.client.get_workspace("gone")
        self.assertStatus(self.client.api("DELETE", ws_path("gone")), 204)
        self.assertGoaError(self.client.api("GET", ws_path("gone")), 404, "not_found")


class ManualLockTest(ServerTestCase):

    def test_lock_and_force_unlock(self):
        self.client.create_workspace("lockme")
        r = self.client.api("POST", ws_path("lockme") + "/actions/lock", {"reason": "Q2 freeze"})
        self.assertStatus(r, 200)
        lock = r.body
        self.assertRegex(lock["id"], r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
                                     r"[0-9a-f]{12}$")
        self.assertEqual(lock["workspace"], "lockme")
        self.assertIs(lock["manual"], True)
        self.assertEqual(lock["reason"], "Q2 freeze")
        for k in ("locked_by_principal_id", "locked_by_principal_type",
                  "locked_by_display_name"):
            self.assertIn(k, lock)

        r = self.client.api("POST", ws_path("lockme") + "/actions/lock", {"reason": "again"})
        self.assertGoaError(r, 423, "locked")

        ws = self.client.get_workspace("lockme")
        self.assertIs(ws["backend_locked"], True)
        self.assertEqual(ws["lock"]["id"], lock["id"])
        self.assertEqual(ws["lock"]["reason"], "Q2 freeze")
        self.assertIs(ws["lock"]["manual"], True)

        # terraform sees the workspace as locked
        lid, body = lock_info()
        r = self.client.state("POST", lock_path("lockme"), body)
        self.assertStatus(r, 423)
        info = json.loads(r.raw)
        self.assertIsInstance(info["ID"], str)
        self.assertNotEqual(info["ID"], "")
        self.assertNotEqual(info["ID"], lid)

        r = self.client.api("POST", ws_path("lockme") + "/actions/force-unlock")
        self.assertStatus(r, 200)
        self.assertEqual(r.raw, b"")
        ws = self.client.get_workspace("lockme")
        self.assertIs(ws["backend_locked"], False)
        self.assertIn(ws.get("lock"), (None, {}))
        r = self.client.api("POST", ws_path("lockme") + "/actions/force-unlock")
        self.assertStatus(r, 200)
        self.assertEqual(r.raw, b"")
        self.assertStatus(self.client.state("POST", lock_path("lockme"), body), 200)
        self.assertStatus(self.client.api("POST", ws_path("lockme") + "/actions/force-unlock"),
                          200)

    def test_lock_unknown_workspace(self):
        r = self.client.api("POST", ws_path("nosuch") + "/actions/lock", {"reason": "x"})
        self.assertGoaError(r, 404, "not_found")
        r = self.client.api("POST", ws_path("nosuch") + "/actions/force-unlock")
        self.assertGoaError(r, 404, "not_found")

    def test_lock_bad_reason(self):
        self.client.create_workspace("lockbad")
        r = self.client.api("POST", ws_path("lockbad") + "/actions/lock", {"reason": 5})
        self.assertGoaError(r, 400, "bad_request", "reason")
        self.assertIs(self.client.get_workspace("lockbad")["backend_locked"], False)


class DeleteTest(ServerTestCase):

    def test_delete_inactive_and_reuse_identifier(self):
        self.client.create_workspace("gone", description="old", tags={"a": "b"})
        lineage = str(uuid.uuid4())
        r = self.client.put_state("gone", state_doc(1, lineage, managed=0))
        self.assertStatus(r, 200)
        self.assertEqual(self.client.get_workspace("gone")["status"], "inactive")
        self.assertEqual(len(self.client.versions("gone")), 1)

        r = self.client.api("DELETE", ws_path("gone"))
        self.assertStatus(r, 204)
        self.assertEqual(r.raw, b"")
        self.assertGoaError(self.client.api("GET", ws_path("gone")), 404, "not_found")
        self.assertGoaError(self.client.api("DELETE", ws_path("gone")), 404, "not_found")
        r = self.client.get_state("gone")
        self.assertGoaError(r, 422, "unknown_workspace", "does not exist")
        r = self.client.api("GET", ws_path("gone") + "/state-versions")
        self.assertGoaError(r, 404, "not_found")
        r = self.client.api("GET", ws_path("gone") + "/resources")
        self.assertGoaError(r, 404, "not_found")
        r = self.client.api("GET", ws_base())
        self.assertNotIn("gone", [w["identifier"] for w in r.body])

        self.client.create_workspace("gone")
        ws = self.client.get_workspace("gone")
        self.assertEqual(ws["description"], "")
        self.assertEqual(ws["tags"], {})
        self.assertEqual(ws["status"], "inactive")
        self.assertEqual(ws["state_checksum"], "")
        r = self.client.get_state("gone")
        self.assertStatus(r, 404)
        r = self.client.api("GET", ws_path("gone") + "/state-versions")
        self.assertStatus(r, 200)
        self.assertEqual(r.body, [])
        self.assertEqual(r.headers.get("x-total-items"), "0")

    def test_delete_locked_is_423(self):
        self.client.create_workspace("locked")
        r = self.client.api("POST", ws_path("locked") + "/actions/lock", {"reason": "hold"})
        self.assertStatus(r, 200)
        r = self.client.api("DELETE", ws_path("locked"))
        self.assertGoaError(r, 423, "locked")
        self.assertStatus(self.client.api("GET", ws_path("locked")), 200)
        self.assertStatus(self.client.api("POST", ws_path("locked") + "/actions/force-unlock"),
                          200)
        self.assertStatus(self.client.api("DELETE", ws_path("locked")), 204)

    def test_delete_backend_locked_is_423(self):
        self.client.create_workspace("tflocked")
        lid, body = lock_info()
        self.assertStatus(self.client.state("POST", lock_path("tflocked"), body), 200)
        self.assertGoaError(self.client.api("DELETE", ws_path("tflocked")), 423, "locked")
        self.assertStatus(self.client.state("DELETE", lock_path("tflocked"), body), 200)
        self.assertStatus(self.client.api("DELETE", ws_path("tflocked")), 204)

    def test_delete_active_is_409(self):
        self.client.create_workspace("live")
        lineage = str(uuid.uuid4())
        self.assertStatus(self.client.put_state("live", state_doc(1, lineage, managed=1)), 200)
        self.assertEqual(self.client.get_workspace("live")["status"], "active")
        r = self.client.api("DELETE", ws_path("live"))
        self.assertGoaError(r, 409, "conflict", "active", "destroy", "infrastructure")
        self.assertStatus(self.client.api("GET", ws_path("live")), 200)
        self.assertStatus(self.client.get_state("live"), 200)
        # a destroy (state with no managed resources) makes it deletable
        self.assertStatus(self.client.put_state("live", state_doc(2, lineage, managed=0)), 200)
        self.assertEqual(self.client.get_workspace("live")["status"], "inactive")
        self.assertStatus(self.client.api("DELETE", ws_path("live")), 204)

    def test_delete_rollback_applied_is_409(self):
        self.client.create_workspace("rolled")
        lineage = str(uuid.uuid4())
        self.assertStatus(self.client.put_state("rolled", state_doc(1, lineage, managed=0)), 200)
        vid = self.client.versions("rolled")[0]["id"]
        r = self.client.api("POST", ws_path("rolled") + f"/state-versions/{vid}/rollback")
        self.assertStatus(r, 200)
        self.assertEqual(self.client.get_workspace("rolled")["status"], "rollback_applied")
        r = self.client.api("DELETE", ws_path("rolled"))
        self.assertGoaError(r, 409, "conflict", "rollback_applied", "destroy")


class ProtocolEdgeTest(ServerTestCase):

    def test_body_over_1mib_is_413(self):
        big = json.dumps({"identifier": "huge", "name": "huge", "provisioner": "terraform",
                          "description": "x" * (1024 * 1024)}).encode()
        self.assertGreater(len(big), 1024 * 1024)
        r = self.client.api("POST", ws_base(), big, headers={"Content-Type": "application/json"})
        self.assertGoaError(r, 413, "payload_too_large")
        self.assertStatus(self.client.api("GET", ws_path("huge")), 404)
        self.client.create_workspace("bigput")
        r = self.client.api("PUT", ws_path("bigput"), big)
        self.assertGoaError(r, 413, "payload_too_large")
        r = self.client.api("POST", "/v1/orgs", b"{" + b" " * (1024 * 1024 + 10) + b"}")
        self.assertGoaError(r, 413, "payload_too_large")

    def test_connection_usable_after_413(self):
        conn = self.client.connection()
        h = {"x-api-key": self.client.key, "Harness-Account": ACCOUNT,
             "Content-Type": "application/json"}
        try:
            big = b'{"identifier": "k", "name": "k", "provisioner": "terraform", "description": "'
            big += b"x" * (2 * 1024 * 1024) + b'"}'
            r = send_request(conn, "POST", ws_base(), big, h)
            self.assertGoaError(r, 413, "payload_too_large")
            # the server either closed the connection (http.client reconnects) or consumed
            # the body; it must not read the rest of the body as the next request
            r = send_request(conn, "GET", ws_path("k"), None, h)
            self.assertGoaError(r, 404, "not_found")
            r = send_request(conn, "GET", "/healthz", None, h)
            self.assertStatus(r, 200)
        finally:
            conn.close()

    def test_unknown_route_is_404(self):
        for path in ("/nope", "/iacm/api/nope", "/iacm/api/orgs/default/projects/default/x",
                     ws_path("x") + "/nope", "/v1/nope"):
            with self.subTest(path=path):
                self.assertGoaError(self.client.api("GET", path), 404, "not_found")

    def test_wrong_method_is_405(self):
        self.client.create_workspace("meth")
        for method, path in (("PATCH", ws_path("meth")), ("DELETE", ws_base()),
                             ("PUT", ws_base()), ("POST", ws_path("meth")),
                             ("GET", ws_path("meth") + "/actions/lock"),
                             ("PUT", "/v1/orgs"), ("DELETE", "/v1/orgs"),
                             ("POST", "/healthz")):
            with self.subTest(method=method, path=path):
                r = self.client.api(method, path)
                self.assertGoaError(r, 405, "method_not_allowed")

    def test_no_redirect_on_trailing_slash(self):
        self.client.create_workspace("slash")
        for path in (ws_base() + "/", ws_path("slash") + "/", "/v1/orgs/",
                     ws_path("slash") + "/state-versions/"):
            with self.subTest(path=path):
                self.assertNoRedirect(self.client.api("GET", path))

    def test_keep_alive_many_requests(self):
        self.client.create_workspace("keepalive")
        conn = self.client.connection()
        try:
            h = {"x-api-key": self.client.key, "Harness-Account": ACCOUNT}
            for _ in range(50):
                r = send_request(conn, "GET", ws_path("keepalive"), None, h)
                self.assertStatus(r, 200)
                r = send_request(conn, "GET", ws_path("missing"), None, h)
                self.assertStatus(r, 404)
        finally:
            conn.close()

    def test_state_checksum_matches_state(self):
        self.client.create_workspace("chk")
        body = state_doc(1, str(uuid.uuid4()), managed=1)
        self.assertStatus(self.client.put_state("chk", body), 200)
        self.assertEqual(self.client.get_workspace("chk")["state_checksum"], sha256_hex(body))


if __name__ == "__main__":
    unittest.main()
