"""The `terrane` command-line client against a real server, real git and the real terraform CLI:
the whole workspace lifecycle with its safeguards (delete refused while not inactive, typed
confirmation on a pseudo-terminal, --yes, refusal without a terminal), JSON output, run
commands, connection settings and error exits.

When terraform or git is missing every test FAILS with the reason; nothing is skipped.
"""

import json
import os
import pty
import select
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from terrane_harness import state_doc, terrane_bin, ws_path  # noqa: E402
from test_runs import RunTestCase, SIMPLE_TF  # noqa: E402

CLI_TIMEOUT_S = 300

GREETING_TF = """\
variable "greeting" { type = string }
resource "terraform_data" "hello" { input = var.greeting }
output "greeting" { value = terraform_data.hello.output }
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class CliTestCase(RunTestCase):

    def setUp(self):
        super().setUp()
        self.home = tempfile.TemporaryDirectory(prefix="terrane-cli-home-")
        self.addCleanup(self.home.cleanup)

    def env(self, **extra):
        """The environment of a CLI call: this server and key, a private config directory."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("TERRANE_")}
        env.update(TERRANE_ADDR=self.server.base_url, TERRANE_API_KEY=self.server.admin_key(),
                   XDG_CONFIG_HOME=self.home.name, HOME=self.home.name, NO_COLOR="")
        for k, v in extra.items():
            if v is None:
                env.pop(k, None)
            else:
                env[k] = v
        return env

    def cli(self, *args, expect=0, env=None):
        """Runs the CLI without a terminal (stdin from /dev/null, output piped)."""
        proc = subprocess.run([terrane_bin(), *args], capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=CLI_TIMEOUT_S,
                              env=env or self.env())
        if expect is not None:
            self.assertEqual(proc.returncode, expect,
                             f"terrane {' '.join(args)}\nstdout:\n{proc.stdout}\n"
                             f"stderr:\n{proc.stderr}")
        return proc

    def cli_json(self, *args, env=None):
        return json.loads(self.cli(*args, "--output", "json", env=env).stdout)

    def cli_pty(self, args, answers, timeout=CLI_TIMEOUT_S):
        """Runs the CLI on a pseudo-terminal; each (prompt, reply) waits for `prompt` in the
        output and types `reply` (or calls it with the process). Returns (exit code, everything the terminal showed)."""
        master, slave = pty.openpty()
        proc = subprocess.Popen([terrane_bin(), *args], stdin=slave, stdout=slave, stderr=slave,
                                env=self.env(), close_fds=True)
        os.close(slave)
        seen = b""
        matched = 0
        pending = list(answers)
        deadline = time.monotonic() + timeout
        try:
            while True:
                if time.monotonic() > deadline:
                    raise AssertionError(f"terrane {args} hung; the terminal showed:\n{seen!r}")
                ready, _, _ = select.select([master], [], [], 0.2)
                if ready:
                    try:
                        chunk = os.read(master, 4096)
                    except OSError:  # EIO: the child closed the terminal
                        chunk = b""
                    if not chunk:
                        break
                    seen += chunk
                    # Each prompt is looked for after the previous one.
                    found = seen.find(pending[0][0].encode(), matched) if pending else -1
                    if found >= 0:
                        matched = found + len(pending[0][0])
                        reply = pending.pop(0)[1]
                        if callable(reply):
                            reply(proc)
                        else:
                            os.write(master, reply.encode() + b"\n")
                elif proc.poll() is not None:
                    break
            code = proc.wait(timeout=30)
        finally:
            os.close(master)
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        self.assertEqual(pending, [], f"prompts never shown; the terminal showed:\n{seen!r}")
        return code, seen.decode("utf-8", "replace")

    def assertOneLineError(self, proc, *parts):
        self.assertEqual(proc.returncode, 1, proc)
        lines = proc.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, f"expected one error line, got {proc.stderr!r}")
        self.assertTrue(lines[0].startswith("error: "), lines[0])
        for part in parts:
            self.assertIn(part, lines[0])
        return lines[0]

    def exists(self, ws):
        return self.client.api("GET", ws_path(ws)).status == 200


class LifecycleTest(CliTestCase):

    def test_create_provision_destroy_delete(self):
        repo = self.repo({"main.tf": GREETING_TF})
        ws = self.unique("ws")
        out = self.cli("workspace", "create", ws, "--repository", repo.path, "--branch", "main",
                       "--var", "greeting=hello", "--tag", "team:platform").stdout
        self.assertEqual(out, f"Created workspace {ws}\n")
        shown = self.cli_json("workspace", "get", ws)
        self.assertEqual((shown["identifier"], shown["status"], shown["repository"],
                          shown["repository_branch"]), (ws, "inactive", repo.path, "main"))
        self.assertEqual(shown["terraform_variables"]["greeting"]["value"], "hello")
        self.assertEqual(shown["tags"], {"team": "platform"})

        # Provision without a terminal needs --auto-approve, and starts nothing without it.
        refused = self.cli("workspace", "provision", ws, expect=None)
        self.assertOneLineError(refused, "--auto-approve")
        self.assertEqual(self.cli_json("run", "list", ws), [])

        prov = self.cli("workspace", "provision", ws, "--auto-approve")
        self.assertIn("Apply complete! Resources: 1 added, 0 changed, 0 destroyed.", prov.stdout)
        self.assertIn("Approved (--auto-approve)", prov.stdout)
        self.assertRegex(prov.stdout, r"Run run-[0-9a-f]+ succeeded after .* \(plan: 1 to add, "
                                      r"0 to change, 0 to destroy\)")
        self.assertNotIn("\033[", prov.stdout, "no colour when piped")
        self.assertEqual(self.status(ws), "active")
        outputs = self.cli_json("workspace", "outputs", ws)
        self.assertEqual([(o["name"], o["value"]) for o in outputs], [("greeting", "hello")])
        table = self.cli("workspace", "resources", ws).stdout
        self.assertEqual(table.splitlines()[0].split(), ["ADDRESS", "PROVIDER"])
        self.assertIn("terraform_data.hello", table)

        # Deleting an active workspace is refused with the command to run.
        refused = self.cli("workspace", "delete", ws, "--yes", expect=None)
        self.assertOneLineError(refused, f"workspace '{ws}' is active",
                                f"terrane workspace destroy {ws}")
        self.assertTrue(self.exists(ws))

        destroy = self.cli("workspace", "destroy", ws, "--auto-approve")
        self.assertIn("1 destroyed", destroy.stdout)
        self.assertEqual(self.status(ws), "inactive")

        # Without a terminal and without --yes: refused, nothing deleted.
        refused = self.cli("workspace", "delete", ws, expect=None)
        self.assertOneLineError(refused, "refusing to delete", "--yes")
        self.assertTrue(self.exists(ws))

        # On a terminal: a wrong identifier keeps it, the right one deletes it.
        code, screen = self.cli_pty(["workspace", "delete", ws],
                                    [("Type the workspace identifier", "nope")])
        self.assertEqual(code, 1, screen)
        self.assertIn("not deleted", screen)
        self.assertTrue(self.exists(ws))
        code, screen = self.cli_pty(["workspace", "delete", ws],
                                    [("Type the workspace identifier", ws)])
        self.assertEqual(code, 0, screen)
        self.assertIn("2 state version(s), 2 run(s) with their logs and plans, 1 variable(s)",
                      screen)
        self.assertIn(f"Deleted workspace {ws}", screen)
        self.assertFalse(self.exists(ws))

    def test_delete_with_yes_reports_what_went(self):
        ws = self.unique("ws")
        self.cli("workspace", "create", ws, "--env", "TF_LOG=info", "--var", "a=1")
        gone = self.cli_json("workspace", "delete", ws, "--yes")
        self.assertEqual(gone, {"deleted": ws, "state_versions": 0, "runs": 0, "variables": 2})
        self.assertFalse(self.exists(ws))

    def test_delete_counts_every_state_version(self):
        # Regression: the count was the length of the first page of the listing (30).
        ws = self.unique("ws")
        self.cli("workspace", "create", ws)
        lineage = "5d0e6a3c-8b1f-4a2e-9c7d-3e4f5a6b7c8d"
        for serial in range(1, 33):
            self.assertEqual(self.client.put_state(ws, state_doc(serial, lineage)).status, 200)
        gone = self.cli_json("workspace", "delete", ws, "--yes")
        self.assertEqual(gone["state_versions"], 32)

    def test_approval_prompt_on_a_terminal(self):
        repo = self.repo({"main.tf": SIMPLE_TF % {"value": "one"}})
        ws = self.workspace(repo)
        code, screen = self.cli_pty(["workspace", "provision", ws],
                                    [("Only 'yes' approves", "no")])
        self.assertEqual(code, 3, screen)  # rejected
        self.assertIn("Plan: 2 to add, 0 to change, 0 to destroy", screen)
        self.assertIn("--> plan", screen)  # a progress line per step on a terminal
        runs = self.cli_json("run", "list", ws)
        self.assertEqual([r["status"] for r in runs], ["rejected"])
        code, screen = self.cli_pty(["workspace", "provision", ws],
                                    [("Only 'yes' approves", "yes")])
        self.assertEqual(code, 0, screen)
        self.assertEqual(self.status(ws), "active")

    def test_ctrl_c_asks_whether_to_cancel(self):
        # Also the regression test for a followed log held back until 16 KiB had arrived:
        # "sleeping" must show while the run still sleeps.
        tf = ('resource "terraform_data" "s" {\n  provisioner "local-exec" {\n'
              '    command = "echo sleeping; sleep 120"\n  }\n}\n')
        ws = self.workspace(self.repo({"main.tf": tf}))
        interrupt = lambda proc: proc.send_signal(signal.SIGINT)  # noqa: E731
        code, screen = self.cli_pty(
            ["workspace", "provision", ws, "--auto-approve"],
            [("sleeping", interrupt), ("Cancel run", "n"), ("still following", interrupt),
             ("Cancel run", "y"), ("cancel requested", lambda proc: None)])
        self.assertEqual(code, 3, screen)
        self.assertRegex(screen, r"Run run-[0-9a-f]+ cancelled")
        runs = self.cli_json("run", "list", ws)
        self.assertEqual([r["status"] for r in runs], ["cancelled"])

    def test_ctrl_c_at_the_approval_prompt_rejects(self):
        # Regression: Ctrl-C there killed the client and left the run waiting for approval,
        # holding the workspace lock until the approval timeout.
        ws = self.workspace(self.repo({"main.tf": SIMPLE_TF % {"value": "one"}}))
        interrupt = lambda proc: proc.send_signal(signal.SIGINT)  # noqa: E731
        code, screen = self.cli_pty(["workspace", "provision", ws],
                                    [("Only 'yes' approves", interrupt)])
        self.assertEqual(code, 3, screen)
        self.assertIn("No answer: rejected", screen)
        self.assertEqual([r["status"] for r in self.cli_json("run", "list", ws)], ["rejected"])

    def test_exit_codes_follow_the_run(self):
        repo = self.repo({"main.tf": 'resource "terraform_data" "x" {\n  input = nope\n}\n'})
        ws = self.workspace(repo)
        failed = self.cli("workspace", "plan", ws, expect=2)
        self.assertRegex(failed.stdout, r"Run run-[0-9a-f]+ failed")
        good = self.workspace(self.repo({"main.tf": SIMPLE_TF % {"value": "v"}}))
        self.assertIn("2 to add", self.cli("workspace", "plan", good).stdout)
        self.assertEqual(self.status(good), "apply_needed")  # a plan with changes says so
        # Regression: --output json printed the log, not JSON. Now stdout is the run as it
        # ended, the log goes to stderr, and the exit code still follows the run.
        planned = self.cli("workspace", "plan", good, "--output", "json")
        run = json.loads(planned.stdout)
        self.assertEqual((run["operation"], run["status"], run["resource_changes"]["add"]),
                         ("plan", "succeeded", 2))
        self.assertIn("2 to add", planned.stderr)
        failed = self.cli("workspace", "plan", ws, "--output", "json", expect=2)
        self.assertEqual(json.loads(failed.stdout)["status"], "failed")


class RunCommandsTest(CliTestCase):

    def test_list_get_logs_and_decisions(self):
        repo = self.repo({"main.tf": SIMPLE_TF % {"value": "one"}})
        ws = self.workspace(repo)
        run_id = self.cli("workspace", "provision", ws, "--no-follow").stdout.strip()
        self.assertRegex(run_id, r"^run-[0-9a-f]+$")
        self.wait(ws, run_id, statuses=("waiting_approval",))
        follow = self.cli("run", "logs", ws, run_id, "--follow")
        self.assertIn("waits for approval", follow.stdout)
        self.assertIn(f"terrane run approve {ws} {run_id}", follow.stdout)
        approved = self.cli_json("run", "approve", ws, run_id)
        self.assertEqual(approved["id"], run_id)
        self.assertEqual(self.wait(ws, run_id)["status"], "succeeded")
        run = self.cli_json("run", "get", ws, run_id)
        self.assertEqual([s["name"] for s in run["steps"]], ["init", "plan", "approval", "apply"])
        self.assertEqual(run["resource_changes"]["add"], 2)
        shown = self.cli("run", "get", ws, run_id).stdout
        self.assertIn("Status:", shown)
        self.assertRegex(shown, r"\napply +succeeded")
        logs = self.cli("run", "logs", ws, run_id).stdout
        self.assertIn("Apply complete! Resources: 2 added", logs)
        table = self.cli("run", "list", ws).stdout.splitlines()
        self.assertEqual(table[0].split(), ["ID", "OPERATION", "STATUS", "CHANGES", "CREATED", "BY"])
        self.assertIn(run_id, table[1])

        # reject and cancel
        second = self.cli("workspace", "destroy", ws, "--no-follow").stdout.strip()
        self.wait(ws, second, statuses=("waiting_approval",))
        self.assertIn("rejected", self.cli("run", "reject", ws, second).stdout)
        third = self.cli("workspace", "destroy", ws, "--no-follow").stdout.strip()
        self.wait(ws, third, statuses=("waiting_approval",))
        self.assertEqual(self.cli_json("run", "cancel", ws, third)["status"], "cancelled")
        self.assertEqual(self.status(ws), "active")


class OutputAndSettingsTest(CliTestCase):

    def test_list_table_json_and_filters(self):
        a, b = self.unique("ws"), self.unique("ws")
        tag = self.unique("team")
        self.cli("workspace", "create", a, "--tag", f"team:{tag}")
        self.cli("workspace", "create", b, "--tag", f"team:{tag}", "--name", "second one")
        listed = self.cli_json("workspace", "list", "--tag", f"team:{tag}")
        self.assertEqual(sorted(w["identifier"] for w in listed), sorted([a, b]))
        self.assertEqual({w["status"] for w in listed}, {"inactive"})
        table = self.cli("workspace", "list", "--tag", f"team:{tag}").stdout.splitlines()
        self.assertEqual(table[0].split(), ["IDENTIFIER", "NAME", "STATUS", "UPDATED"])
        self.assertEqual(table[-1], "2 workspaces: 2 inactive")
        self.assertEqual(self.cli_json("workspace", "list", "--tag", f"team:{tag}",
                                       "--search", "second")[0]["identifier"], b)
        self.assertEqual(self.cli_json("workspace", "list", "--tag", f"team:{tag}",
                                       "--status", "active"), [])

    def test_create_from_yaml_and_update(self):
        ws = self.unique("ws")
        path = os.path.join(self.home.name, "ws.yaml")
        with open(path, "w") as f:
            f.write(f"identifier: {ws}\nname: from yaml\nprovisioner: terraform\n"
                    "repository: /srv/infra\nrepository_branch: main\nrepository_path: app\n"
                    "terraform_variables:\n  region:\n    key: region\n    value: eu\n"
                    "    value_type: string\nenvironment_variables: {}\n")
        self.cli("workspace", "create", "--file", path)
        got = self.client.get_workspace(ws)
        self.assertEqual((got["name"], got["repository_path"]), ("from yaml", "app"))
        self.cli("workspace", "update", ws, "--git-tag", "v1.2", "--var", "zone=b",
                 "--unset", "region", "--description", "tagged")
        got = self.client.get_workspace(ws)
        self.assertEqual((got["repository_commit"], got["description"], got["name"]),
                         ("v1.2", "tagged", "from yaml"))
        self.assertNotIn("repository_branch", got)
        self.assertEqual(sorted(got["terraform_variables"]), ["zone"])
        self.cli("workspace", "lock", ws, "--reason", "maintenance")
        self.assertIn("yes (maintenance)", self.cli("workspace", "get", ws).stdout)
        refused = self.cli("workspace", "delete", ws, "--yes", expect=None)
        self.assertOneLineError(refused, "lock")
        self.cli("workspace", "unlock", ws)
        self.assertFalse(self.client.get_workspace(ws)["backend_locked"])
        hcl = self.cli("workspace", "backend-config", ws).stdout
        self.assertIn(f"/workspaces/{ws}/terraform-backend?accountIdentifier=default", hcl)
        self.cli("workspace", "delete", ws, "--yes")

    def test_state_versions_pull_rollback(self):
        ws = self.unique("ws")
        self.cli("workspace", "create", ws)
        lineage = "0b8f7c52-1d3a-4c0e-9b5e-0f6c7a8d9e10"
        first, second = state_doc(1, lineage, managed=1), state_doc(2, lineage, managed=2)
        self.assertEqual(self.client.put_state(ws, first).status, 200)
        self.assertEqual(self.client.put_state(ws, second).status, 200)
        versions = self.cli_json("workspace", "state", "versions", ws)
        self.assertEqual([v["serial"] for v in versions], [2, 1])
        table = self.cli("workspace", "state", "versions", ws).stdout.splitlines()
        self.assertEqual(table[0].split()[:3], ["ID", "SERIAL", "RESOURCES"])
        self.assertEqual(self.cli("workspace", "state", "pull", ws).stdout.encode(), second)
        self.assertEqual(self.cli("workspace", "state", "pull", ws, "--version",
                                  versions[1]["id"]).stdout.encode(), first)
        out = self.cli("workspace", "state", "rollback", ws, versions[1]["id"]).stdout
        self.assertIn(f"back to {versions[1]['id']}", out)
        self.assertEqual(self.status(ws), "rollback_applied")
        self.assertEqual(len(self.cli_json("workspace", "state", "versions", ws)), 3)

    def test_orgs_and_projects(self):
        org = self.unique("org")
        self.cli("org", "create", org, "--name", "Platform")
        self.assertIn(org, [o["org"]["identifier"] for o in self.cli_json("org", "list")])
        self.cli("project", "create", "web", "--org", org)
        projects = self.cli_json("project", "list", "--org", org)
        self.assertEqual([p["project"]["identifier"] for p in projects], ["web"])
        ws = self.unique("ws")
        self.cli("workspace", "create", ws, "--org", org, "--project", "web")
        refused = self.cli("project", "delete", "web", "--org", org, expect=None)
        self.assertOneLineError(refused)
        self.cli("workspace", "delete", ws, "--org", org, "--project", "web", "--yes")
        self.cli("project", "delete", "web", "--org", org)
        self.cli("org", "delete", org)
        self.assertNotIn(org, [o["org"]["identifier"] for o in self.cli_json("org", "list")])

    def test_login_writes_a_private_config_and_flags_win(self):
        env = self.env(TERRANE_ADDR=None, TERRANE_API_KEY=None)
        self.cli("login", "--addr", self.server.base_url, "--api-key", self.server.admin_key(),
                 env=env)
        path = os.path.join(self.home.name, "terrane", "config.json")
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        with open(path) as f:
            saved = json.load(f)
        self.assertEqual(saved["address"], self.server.base_url)
        # The config file alone is enough ...
        self.assertIsInstance(self.cli_json("workspace", "list", env=env), list)
        # ... the environment beats it, and a flag beats the environment.
        bad_env = dict(env, TERRANE_API_KEY="tk_bad.bad")
        self.assertOneLineError(self.cli("workspace", "list", env=bad_env, expect=None))
        self.cli("workspace", "list", "--api-key", self.server.admin_key(), env=bad_env)
        # A bad key is refused at login and not saved.
        refused = self.cli("login", "--api-key", "tk_bad.bad", env=env, expect=None)
        self.assertOneLineError(refused)
        with open(path) as f:
            self.assertEqual(json.load(f)["api_key"], self.server.admin_key())

    def test_error_exits(self):
        bad = self.cli("workspace", "list", env=self.env(TERRANE_API_KEY="tk_nope.nope"),
                       expect=None)
        msg = self.assertOneLineError(bad)
        self.assertIn("key", msg.lower())
        missing = self.unique("ghost")
        self.assertOneLineError(self.cli("workspace", "get", missing, expect=None), missing)
        port = free_port()
        down = self.cli("workspace", "list", "--addr", f"http://127.0.0.1:{port}", expect=None)
        self.assertOneLineError(down, f"http://127.0.0.1:{port}")
        https = self.cli("workspace", "list", "--addr", "https://127.0.0.1:1", expect=None)
        self.assertOneLineError(https, "https is not supported")
        # Regression: usage errors exited with CLI11's codes (105, 106, 109), not 1.
        for usage in (["workspace", "get"], ["workspace", "list", "-o", "yaml"],
                      ["workspace", "list", "--no-such-flag"], ["run", "get", "ws"]):
            proc = self.cli(*usage, expect=1)
            self.assertIn("--help", proc.stderr, usage)
        self.cli("workspace", "--help")

    def test_identifiers_are_one_path_segment(self):
        # Regression: identifiers went into the URL unescaped, so "WS?x" named WS (and
        # `delete "WS?x" --yes` deleted it), "a b" broke the request and "" reached the list.
        ws = self.unique("ws")
        self.cli("workspace", "create", ws)
        for odd in (f"{ws}?x", f"{ws}#x", f"x/../{ws}", "a b"):
            refused = self.cli("workspace", "delete", odd, "--yes", expect=None)
            self.assertOneLineError(refused, f"workspace '{odd}' not found")
            self.assertTrue(self.exists(ws), odd)
        self.assertOneLineError(self.cli("run", "get", ws, "run-x?y", expect=None), "run-x?y")
        self.assertOneLineError(self.cli("org", "delete", "default/projects/default",
                                         expect=None), "default/projects/default")
        for args in (["workspace", "get", ""], ["workspace", "delete", "", "--yes"],
                     ["org", "delete", ""]):
            empty = self.cli(*args, expect=None)
            self.assertNotEqual(empty.returncode, 0, args)
            self.assertIn("must not be empty", empty.stderr, args)
        self.assertTrue(self.exists(ws))

    def test_help_has_an_example_everywhere(self):
        commands = [["login"], ["org", "list"], ["org", "create"], ["org", "delete"],
                    ["project", "list"], ["project", "create"], ["project", "delete"]]
        commands += [["workspace", c] for c in (
            "list", "get", "create", "update", "lock", "unlock", "resources", "outputs",
            "backend-config", "provision", "destroy", "plan", "drift", "delete")]
        commands += [["workspace", "state", c] for c in ("versions", "pull", "rollback")]
        commands += [["run", c] for c in ("list", "get", "logs", "approve", "reject", "cancel")]
        for cmd in commands:
            out = self.cli(*cmd, "--help").stdout
            self.assertIn("Example:", out, cmd)
            self.assertIn("--output", out, cmd)
        for group in (["org"], ["project"], ["workspace"], ["workspace", "state"], ["run"]):
            self.assertIn("Example:", self.cli(*group, "--help").stdout, group)


if __name__ == "__main__":
    unittest.main()
