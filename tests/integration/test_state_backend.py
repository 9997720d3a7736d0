"""Raw-HTTP tests of the terraform `http` state backend routes.

Follows terraform-http-backend.md §10 (items noted as "§10.N") and the request shapes terraform
1.11.4 sends (§3, §7, §8).
"""

import http.client
import json
import os
import sys
import threading
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from terrane_harness import (ACCOUNT, ServerTestCase, basic_auth, data_resource,
                             download_sha256, lock_info, lock_path, managed_resource, md5_b64,
                             now_ms, raw_http, send_request, sha256_hex, state_doc, state_path,
                             upload_streamed, ws_path)

EMPTY_MD5 = "1B2M2Y8AsgTpgAmY7PhCfg=="
S_METHODS = ("GET", "POST", "PUT", "LOCK", "UNLOCK", "DELETE")  # DELETE answers 405 when known
L_METHODS = ("LOCK", "POST", "UNLOCK", "DELETE")


def backend_requests(ws, org="default", project="default"):
    """(method, path, body) for every method routed on S and L, with terraform-like bodies."""
    _, lbody = lock_info()
    state = state_doc(1, str(uuid.uuid4()), managed=1)
    for method in S_METHODS:
        body = {"POST": state, "PUT": state, "LOCK": lbody, "UNLOCK": lbody}.get(method)
        yield method, state_path(ws, org, project), body
    for method in L_METHODS:
        yield method, lock_path(ws, org, project), lbody


def lineage():
    return str(uuid.uuid4())


class StateTestCase(ServerTestCase):

    def new_ws(self):
        ident = self.unique("st")
        self.client.create_workspace(ident)
        return ident

    def assertStored(self, ws, expected):
        """GET S answers 200 with exactly `expected` (or 404 when expected is None)."""
        r = self.client.get_state(ws)
        if expected is None:
            self.assertStatus(r, 404)
            return
        self.assertStatus(r, 200)
        self.assertEqual(r.raw, expected, "GET must return the exact bytes last stored")
        md5 = r.headers.get("content-md5")
        if md5 is not None:
            self.assertEqual(md5, md5_b64(expected), "a Content-MD5 on GET must be true")

    def version_count(self, ws):
        return len(self.client.versions(ws, query="?limit=1000"))


class ReadWriteTest(StateTestCase):

    def test_missing_state_is_404(self):  # §10.1
        ws = self.new_ws()
        self.assertStored(ws, None)
        self.assertEqual(self.version_count(ws), 0)

    def test_post_and_put_store_exact_bytes(self):  # §10.1, §10.2
        ws = self.new_ws()
        lin = lineage()
        odd = state_doc(1, lin, managed=1).replace(b'"version": 4',
                                                   b'"version":4 ,\t"x": "\\u00e9 \xc3\xa9"')
        r = self.client.put_state(ws, odd)
        self.assertStatus(r, 200)
        self.assertStored(ws, odd)
        body2 = state_doc(2, lin, managed=1)
        r = self.client.put_state(ws, body2, method="PUT")
        self.assertStatus(r, 200)
        self.assertStored(ws, body2)
        self.assertEqual(self.version_count(ws), 2)

    def test_identical_rewrite_is_200_without_new_version(self):  # §10.4
        ws = self.new_ws()
        body = state_doc(1, lineage(), managed=1)
        self.assertStatus(self.client.put_state(ws, body), 200)
        self.assertStatus(self.client.put_state(ws, body), 200)
        self.assertStatus(self.client.put_state(ws, body, method="PUT"), 200)
        self.assertStored(ws, body)
        self.assertEqual(self.version_count(ws), 1)

    def test_serial_policy(self):  # §10.12
        ws = self.new_ws()
        lin = lineage()
        v5 = state_doc(5, lin, managed=1)
        self.assertStatus(self.client.put_state(ws, v5), 200)
        marker = "LEAK-" + uuid.uuid4().hex
        lower = state_doc(4, lin, managed=1, outputs={"m": {"value": marker, "type": "string"}})
        r = self.client.put_state(ws, lower)
        self.assertGoaError(r, 409, "conflict", "serial")
        self.assertNotIn(marker.encode(), r.raw, "error bodies never contain state")
        same_serial = state_doc(5, lin, managed=2)
        r = self.client.put_state(ws, same_serial)
        self.assertGoaError(r, 409, "conflict", "serial")
        self.assertStored(ws, v5)
        self.assertEqual(self.version_count(ws), 1)
        # a new lineage (init -migrate-state, push -force of another state) is not ordered
        other = state_doc(1, lineage(), managed=1)
        self.assertStatus(self.client.put_state(ws, other), 200)
        self.assertStored(ws, other)
        higher = state_doc(9, json.loads(other)["lineage"], managed=0)
        self.assertStatus(self.client.put_state(ws, higher), 200)
        self.assertStored(ws, higher)
        self.assertEqual(self.version_count(ws), 3)

    def test_concurrent_same_serial_writes_have_one_winner(self):  # §10.12
        ws = self.new_ws()
        lin = lineage()
        self.assertStatus(self.client.put_state(ws, state_doc(1, lin, managed=1)), 200)
        n = 10
        bodies = [state_doc(2, lin, managed=i + 1) for i in range(n)]
        barrier = threading.Barrier(n)
        results = [None] * n

        def write(i):
            barrier.wait()
            results[i] = self.client.put_state(ws, bodies[i])

        threads = [threading.Thread(target=write, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        winners = [i for i, r in enumerate(results) if r.status == 200]
        self.assertEqual(len(winners), 1, [r.status for r in results])
        for i, r in enumerate(results):
            if i != winners[0]:
                self.assertGoaError(r, 409, "conflict")
        self.assertStored(ws, bodies[winners[0]])
        self.assertEqual(self.version_count(ws), 2)

    def test_malformed_bodies_are_400(self):
        ws = self.new_ws()
        good = state_doc(3, lineage(), managed=1)
        self.assertStatus(self.client.put_state(ws, good), 200)
        cases = [
            (b'{"version": 4, "serial": 4,', None),
            (b"not json at all", None),
            (b"[]", None),
            (b'"state"', None),
            (json.dumps({"version": 4, "lineage": lineage(), "resources": []}).encode(),
             "serial"),
            (json.dumps({"version": 4, "serial": "5", "lineage": lineage()}).encode(),
             "serial"),
            (json.dumps({"version": 4, "serial": -1, "lineage": lineage()}).encode(),
             "serial"),
            (json.dumps({"version": 4, "serial": 1.5, "lineage": lineage()}).encode(),
             "serial"),
            (good + b"trailing", None),
        ]
        for body, word in cases:
            with self.subTest(body=body[:60]):
                r = self.client.put_state(ws, body)
                if word:
                    self.assertGoaError(r, 400, "bad_request", word)
                else:
                    self.assertGoaError(r, 400, "bad_request")
        self.assertStored(ws, good)
        self.assertEqual(self.version_count(ws), 1)

    def test_content_md5(self):  # §10.7
        ws = self.new_ws()
        lin = lineage()
        v1 = state_doc(1, lin, managed=1)
        self.assertStatus(self.client.put_state(ws, v1), 200)
        v2 = state_doc(2, lin, managed=1)
        for md5 in (md5_b64(b"something else"), EMPTY_MD5, "not base64!!"):
            with self.subTest(md5=md5):
                r = self.client.state("POST", state_path(ws), v2, headers={"Content-Md5": md5})
                self.assertGoaError(r, 400, "bad_request", "md5")
        self.assertStored(ws, v1)
        # header names are case-insensitive; a missing MD5 is fine
        r = self.client.request("POST", state_path(ws), v2, {
            "Authorization": basic_auth(self.client.key), "CONTENT-MD5": md5_b64(v2)})
        self.assertStatus(r, 200)
        self.assertStored(ws, v2)
        v3 = state_doc(3, lin, managed=1)
        r = self.client.request("POST", state_path(ws), v3,
                                {"Authorization": basic_auth(self.client.key)})
        self.assertStatus(r, 200)
        self.assertStored(ws, v3)

    def test_short_body_is_never_stored(self):  # §10.7
        ws = self.new_ws()
        v1 = state_doc(1, lineage(), managed=1)
        self.assertStatus(self.client.put_state(ws, v1), 200)
        v2 = state_doc(2, json.loads(v1)["lineage"], managed=0)
        head = (f"POST {state_path(ws)} HTTP/1.1\r\nHost: {self.server.host}:{self.server.port}"
                f"\r\nAuthorization: {basic_auth(self.client.key)}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(v2) + 100}\r\n\r\n")
        out = raw_http(self.server.host, self.server.port, head.encode() + v2,
                       shutdown_write=True)
        self.assertFalse(out.startswith(b"HTTP/1.1 2"), out[:200])
        self.assertStored(ws, v1)
        self.assertEqual(self.version_count(ws), 1)
        self.assertEqual(self.client.get_workspace(ws)["status"], "active")

    def test_chunked_write(self):  # §10.8
        ws = self.new_ws()
        body = state_doc(1, lineage(), managed=3)
        parts = [body[i:i + 100] for i in range(0, len(body), 100)]
        r = self.client.request("POST", state_path(ws), iter(parts), {
            "Authorization": basic_auth(self.client.key), "Content-Type": "application/json",
            "Transfer-Encoding": "chunked", "Content-Md5": md5_b64(body)})
        self.assertStatus(r, 200)
        self.assertStored(ws, body)

    def test_delete_state_is_405(self):
        ws = self.new_ws()
        body = state_doc(1, lineage(), managed=1)
        self.assertStatus(self.client.put_state(ws, body), 200)
        r = self.client.state("DELETE", state_path(ws))
        self.assertGoaError(r, 405, "method_not_allowed")
        self.assertEqual(r.headers.get("allow"), "GET, HEAD, LOCK, POST, PUT, UNLOCK")
        self.assertStored(ws, body)

    def test_head_state_answers_like_get(self):
        # Regression: the backend handler only knew GET, so the HEAD the router routes to it
        # (and advertises in Allow) answered 405.
        ws = self.new_ws()
        r = self.client.state("HEAD", state_path(ws))
        self.assertStatus(r, 404)
        body = state_doc(1, lineage(), managed=1)
        self.assertStatus(self.client.put_state(ws, body), 200)
        r = self.client.state("HEAD", state_path(ws))
        self.assertStatus(r, 200)
        self.assertEqual(r.raw, b"")
        self.assertEqual(r.headers.get("content-length"), str(len(body)))
        self.assertStatus(self.client.state("HEAD", state_path(ws), password="wrong"), 401)

    def test_status_follows_managed_resources(self):
        ws = self.new_ws()
        lin = lineage()
        self.assertEqual(self.client.get_workspace(ws)["status"], "inactive")
        only_data = state_doc(1, lin, resources=[data_resource("d")])
        self.assertStatus(self.client.put_state(ws, only_data), 200)
        self.assertEqual(self.client.get_workspace(ws)["status"], "inactive")
        self.assertStatus(self.client.put_state(ws, state_doc(2, lin, managed=1)), 200)
        shown = self.client.get_workspace(ws)
        self.assertEqual(shown["status"], "active")
        self.assertEqual(shown["state_checksum"], sha256_hex(state_doc(2, lin, managed=1)))
        self.assertStatus(self.client.put_state(ws, state_doc(3, lin, managed=0)), 200)
        self.assertEqual(self.client.get_workspace(ws)["status"], "inactive")

    def test_query_order_and_encoding(self):  # §10.10
        ws = self.new_ws()
        lid, lbody = lock_info()
        self.assertStatus(self.client.state("LOCK", lock_path(ws), lbody), 200)
        lin = lineage()
        v1 = state_doc(1, lin, managed=1)
        path = f"{ws_path(ws)}/terraform-backend?ID={lid}&accountIdentifier={ACCOUNT}"
        self.assertStatus(self.client.state("POST", path, v1), 200)
        v2 = state_doc(2, lin, managed=1)
        path = f"{ws_path(ws)}/terraform-backend?accountIdentifier={ACCOUNT}&ID={lid}"
        self.assertStatus(self.client.state("POST", path, v2), 200)
        enc = "".join(f"%{b:02X}" for b in ACCOUNT.encode())
        path = f"{ws_path(ws)}/terraform-backend?ID={lid}&accountIdentifier={enc}"
        v3 = state_doc(3, lin, managed=1)
        self.assertStatus(self.client.state("POST", path, v3), 200)
        r = self.client.state("GET", f"{ws_path(ws)}/terraform-backend?accountIdentifier={enc}")
        self.assertStatus(r, 200)
        self.assertEqual(r.raw, v3)
        self.assertStatus(self.client.state("UNLOCK", lock_path(ws), lbody), 200)


class LockTest(StateTestCase):

    def test_lock_conflict_returns_holder_lockinfo(self):  # §10.3
        for how in (("LOCK", "L"), ("POST", "L"), ("LOCK", "S")):
            with self.subTest(lock_with=how):
                ws = self.new_ws()
                paths = {"L": lock_path(ws), "S": state_path(ws)}
                lid, lbody = lock_info()
                r = self.client.state(how[0], paths[how[1]], lbody)
                self.assertStatus(r, 200)
                shown = self.client.get_workspace(ws)
                self.assertIs(shown["backend_locked"], True)
                self.assertIn(shown.get("lock"), (None, {}))
                for method, p in (("LOCK", "L"), ("POST", "L"), ("LOCK", "S")):
                    _, other = lock_info()
                    r = self.client.state(method, paths[p], other)
                    self.assertLockInfoConflict(r, lbody)
                    self.assertEqual(json.loads(r.raw)["ID"], lid)
                self.assertStatus(self.client.state("UNLOCK", lock_path(ws), lbody), 200)
                self.assertIs(self.client.get_workspace(ws)["backend_locked"], False)

    def test_relock_with_same_id_is_200(self):  # §10.4
        ws = self.new_ws()
        lid, lbody = lock_info()
        self.assertStatus(self.client.state("POST", lock_path(ws), lbody), 200)
        self.assertStatus(self.client.state("POST", lock_path(ws), lbody), 200)
        _, rebody = lock_info(lid, operation="OperationTypePlan")
        self.assertStatus(self.client.state("LOCK", lock_path(ws), rebody), 200)
        _, other = lock_info()
        r = self.client.state("POST", lock_path(ws), other)
        self.assertStatus(r, 423)
        self.assertEqual(json.loads(r.raw)["ID"], lid)
        self.assertStatus(self.client.state("DELETE", lock_path(ws), lbody), 200)

    def test_lock_body_must_be_lockinfo(self):
        ws = self.new_ws()
        for body in (b"{}", b"not json", b'{"ID": ""}', b"[]"):
            with self.subTest(body=body):
                r = self.client.state("POST", lock_path(ws), body)
                self.assertGoaError(r, 400, "bad_request")
        self.assertIs(self.client.get_workspace(ws)["backend_locked"], False)
        # Go decodes keys case-insensitively
        lid = str(uuid.uuid4())
        r = self.client.state("POST", lock_path(ws), json.dumps({"id": lid}).encode())
        self.assertStatus(r, 200)
        _, other = lock_info()
        r = self.client.state("POST", lock_path(ws), other)
        self.assertStatus(r, 423)
        self.assertEqual(json.loads(r.raw)["ID" if "ID" in json.loads(r.raw) else "id"], lid)
        self.assertStatus(self.client.api("POST", ws_path(ws) + "/actions/force-unlock"), 200)

    def test_unlock_rules(self):  # §10.5, §4.6
        ws = self.new_ws()
        lid, lbody = lock_info()
        self.assertStatus(self.client.state("POST", lock_path(ws), lbody), 200)
        for method, path in (("DELETE", lock_path(ws)), ("UNLOCK", lock_path(ws)),
                             ("UNLOCK", state_path(ws))):
            with self.subTest(method=method, path=path):
                _, other = lock_info()
                r = self.client.state(method, path, other)
                self.assertLockInfoConflict(r, lbody)
        _, other = lock_info()
        self.assertLockInfoConflict(self.client.state("POST", lock_path(ws), other), lbody)
        self.assertStatus(self.client.state("DELETE", lock_path(ws), lbody), 200)
        self.assertIs(self.client.get_workspace(ws)["backend_locked"], False)
        # unlocking while unlocked is idempotent, whatever the body
        for method, path, body in (("DELETE", lock_path(ws), lbody),
                                   ("UNLOCK", lock_path(ws), other),
                                   ("UNLOCK", state_path(ws), None),
                                   ("DELETE", lock_path(ws), None)):
            with self.subTest(idempotent=method, path=path, body=body is not None):
                self.assertStatus(self.client.state(method, path, body), 200)
        # unlock with the holder's ID, re-marshalled (OpenTofu)
        self.assertStatus(self.client.state("LOCK", state_path(ws), lbody), 200)
        remarshalled = json.dumps(json.loads(lbody), indent=1).encode()
        self.assertStatus(self.client.state("UNLOCK", state_path(ws), remarshalled), 200)
        self.assertIs(self.client.get_workspace(ws)["backend_locked"], False)

    def force_unlock_on_keepalive(self, ws, method, path, body_headers, body):
        """Sends a terraform force-unlock byte for byte, then a GET on the same connection."""
        conn = http.client.HTTPConnection(self.server.host, self.server.port, timeout=30)
        conn.auto_open = 0  # a server that closes the connection fails the second request
        try:
            conn.connect()
            conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            conn.putheader("Host", f"{self.server.host}:{self.server.port}")
            conn.putheader("User-Agent", "Go-http-client/1.1")
            for k, v in body_headers:
                conn.putheader(k, v)
            conn.putheader("Authorization", basic_auth(self.client.key))
            conn.putheader("Content-Md5", EMPTY_MD5)
            conn.putheader("Content-Type", "application/json")
            conn.putheader("Accept-Encoding", "gzip")
            conn.endheaders(body)
            resp = conn.getresponse()
            first = (resp.status, resp.read())
            self.assertNotEqual((resp.getheader("Connection") or "").lower(), "close")
            r2 = send_request(conn, "GET", state_path(ws), None,
                              {"Authorization": basic_auth(self.client.key)})
            return first, r2
        finally:
            conn.close()

    def test_terraform_force_unlock_chunked_keepalive(self):  # §3.1, §4.6, §10.5, §10.8
        ws = self.new_ws()
        v1 = state_doc(1, lineage(), managed=1)
        self.assertStatus(self.client.put_state(ws, v1), 200)
        cases = [
            ("UNLOCK", lock_path(ws), [("Transfer-Encoding", "chunked")], b"0\r\n\r\n"),
            ("UNLOCK", state_path(ws), [("Transfer-Encoding", "chunked")], b"0\r\n\r\n"),
            ("POST", lock_path(ws), [("Transfer-Encoding", "chunked")], b"0\r\n\r\n"),
            ("DELETE", lock_path(ws), [], None),
            ("UNLOCK", lock_path(ws), [("Content-Length", "0")], b""),
        ]
        for method, path, hdrs, body in cases:
            with self.subTest(method=method, path=path, headers=hdrs):
                lid, lbody = lock_info()
                if method == "POST":
                    # a POST on L with an empty body is not an unlock; nothing to hold
                    (status, _), r2 = self.force_unlock_on_keepalive(ws, method, path, hdrs,
                                                                     body)
                    self.assertEqual(status, 400)
                    self.assertStatus(r2, 200)
                    self.assertEqual(r2.raw, v1)
                    continue
                self.assertStatus(self.client.state("POST", lock_path(ws), lbody), 200)
                (status, _), r2 = self.force_unlock_on_keepalive(ws, method, path, hdrs, body)
                self.assertEqual(status, 200)
                self.assertStatus(r2, 200)
                self.assertEqual(r2.raw, v1)
                self.assertIs(self.client.get_workspace(ws)["backend_locked"], False)
                # the old holder's write is now refused (§10.6)
                v2 = state_doc(2, json.loads(v1)["lineage"], managed=0)
                r = self.client.put_state(ws, v2, lock_id=lid)
                self.assertGoaError(r, 409, "conflict")
                self.assertStored(ws, v1)

    def test_write_rules_while_locked(self):  # §10.6
        ws = self.new_ws()
        lin = lineage()
        v1 = state_doc(1, lin, managed=1)
        self.assertStatus(self.client.put_state(ws, v1), 200)
        lid, lbody = lock_info()
        self.assertStatus(self.client.state("POST", lock_path(ws), lbody), 200)
        v2 = state_doc(2, lin, managed=1)
        self.assertLockInfoConflict(self.client.put_state(ws, v2), lbody)
        self.assertLockInfoConflict(self.client.put_state(ws, v2, method="PUT"), lbody)
        self.assertLockInfoConflict(self.client.put_state(ws, v2, lock_id=str(uuid.uuid4())),
                                    lbody)
        self.assertStored(ws, v1)
        self.assertEqual(self.version_count(ws), 1)
        self.assertStatus(self.client.put_state(ws, v2, lock_id=lid), 200)
        self.assertStored(ws, v2)
        v3 = state_doc(3, lin, managed=1)
        self.assertStatus(self.client.put_state(ws, v3, lock_id=lid, method="PUT"), 200)
        self.assertStored(ws, v3)
        self.assertStatus(self.client.state("DELETE", lock_path(ws), lbody), 200)
        # an ID while nothing is locked: the old holder after a force-unlock
        v4 = state_doc(4, lin, managed=1)
        r = self.client.put_state(ws, v4, lock_id=lid)
        self.assertGoaError(r, 409, "conflict")
        self.assertStored(ws, v3)
        # without ID while unlocked: -lock=false
        self.assertStatus(self.client.put_state(ws, v4), 200)
        self.assertStored(ws, v4)
        self.assertEqual(self.version_count(ws), 4)

    def test_manual_lock_blocks_backend(self):
        ws = self.new_ws()
        v1 = state_doc(1, lineage(), managed=1)
        self.assertStatus(self.client.put_state(ws, v1), 200)
        r = self.client.api("POST", ws_path(ws) + "/actions/lock", {"reason": "freeze"})
        self.assertStatus(r, 200)
        r = self.client.put_state(ws, state_doc(2, json.loads(v1)["lineage"], managed=1))
        self.assertStatus(r, 423)
        holder = json.loads(r.raw)
        self.assertIsInstance(holder["ID"], str)
        self.assertNotEqual(holder["ID"], "")
        _, lbody = lock_info()
        r = self.client.state("LOCK", lock_path(ws), lbody)
        self.assertStatus(r, 423)
        self.assertEqual(json.loads(r.raw), holder)
        self.assertStored(ws, v1)
        # an empty-body UNLOCK is a force-unlock of any lock (§4.6)
        self.assertStatus(self.client.state("DELETE", lock_path(ws)), 200)
        self.assertIs(self.client.get_workspace(ws)["backend_locked"], False)

    def test_concurrent_locks_have_one_winner(self):  # §10.3: atomic create-if-absent
        ws = self.new_ws()
        n = 16
        bodies = [lock_info()[1] for _ in range(n)]
        barrier = threading.Barrier(n)
        results = [None] * n

        def contend(i):
            barrier.wait()
            method, path = (("LOCK", state_path(ws)), ("POST", lock_path(ws)))[i % 2]
            results[i] = self.client.state(method, path, bodies[i])

        threads = [threading.Thread(target=contend, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        winners = [i for i, r in enumerate(results) if r.status == 200]
        self.assertEqual(len(winners), 1, [r.status for r in results])
        for i, r in enumerate(results):
            if i != winners[0]:
                self.assertLockInfoConflict(r, bodies[winners[0]])
        self.assertStatus(self.client.state("UNLOCK", lock_path(ws), bodies[winners[0]]), 200)

    def test_rest_force_unlock_clears_backend_lock(self):
        ws = self.new_ws()
        lid, lbody = lock_info()
        self.assertStatus(self.client.state("LOCK", lock_path(ws), lbody), 200)
        self.assertStatus(self.client.api("POST", ws_path(ws) + "/actions/force-unlock"), 200)
        self.assertIs(self.client.get_workspace(ws)["backend_locked"], False)
        _, other = lock_info()
        self.assertStatus(self.client.state("LOCK", lock_path(ws), other), 200)
        self.assertStatus(self.client.state("UNLOCK", lock_path(ws), other), 200)


class AuthAndRoutingTest(StateTestCase):
    # Sends dozens of deliberately bad credentials in a burst from one address: without this
    # the failed-authentication limit would answer the later ones 429 (test_limits.py tests it).
    server_args = ("--auth-failure-rate", "0")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server.create_account("other")
        cls.other_key = cls.server.create_api_key(account="other")

    def test_missing_or_bad_credentials_are_401(self):  # §10.11
        ws = self.new_ws()
        bad_auth = [None, basic_auth("wrong-key"), basic_auth(""), "Basic !!!notbase64",
                    basic_auth(self.client.key + "x")]
        for method, path, body in backend_requests(ws):
            for auth in bad_auth:
                with self.subTest(method=method, path=path, auth=auth):
                    h = {"Content-Type": "application/json"}
                    if auth:
                        h["Authorization"] = auth
                    r = self.client.request(method, path, body, h)
                    self.assertGoaError(r, 401, "unauthorized")
        self.assertStored(ws, None)
        self.assertIs(self.client.get_workspace(ws)["backend_locked"], False)
        # unknown workspace: still 401, never "no state"
        for method, path, body in backend_requests("nosuchws"):
            with self.subTest(unknown=method, path=path):
                r = self.client.request(method, path, body)
                self.assertGoaError(r, 401, "unauthorized")

    def test_username_is_ignored_and_x_api_key_works(self):  # §2
        ws = self.new_ws()
        body = state_doc(1, lineage(), managed=1)
        for user in ("harness", "", "someone", "é"):
            with self.subTest(user=user):
                r = self.client.request("GET", state_path(ws), None,
                                        {"Authorization": basic_auth(self.client.key, user)})
                self.assertStatus(r, 404)
        r = self.client.request("POST", state_path(ws), body, {"x-api-key": self.client.key})
        self.assertStatus(r, 200)
        r = self.client.request("GET", state_path(ws), None, {"x-api-key": self.client.key})
        self.assertStatus(r, 200)
        self.assertEqual(r.raw, body)

    def test_other_account_is_403(self):  # §10.11
        ws = self.new_ws()
        for method, path, body in backend_requests(ws):
            with self.subTest(method=method, path=path):
                r = self.client.state(method, path, body, password=self.other_key)
                self.assertGoaError(r, 403, "forbidden")
        r = self.client.state("GET", state_path(ws, account="other"))
        self.assertGoaError(r, 403, "forbidden")
        self.assertStored(ws, None)

    def test_unknown_workspace_is_422(self):
        cases = [("nosuchws", "default", "default"), ("x", "nosuchorg", "default"),
                 ("x", "default", "nosuchproject")]
        for ws, org, project in cases:
            for method, path, body in backend_requests(ws, org, project):
                with self.subTest(method=method, path=path):
                    r = self.client.state(method, path, body)
                    self.assertGoaError(r, 422, "unknown_workspace", "does not exist")

    def test_workspace_segment_is_kept_intact(self):  # §10.10
        ws = self.new_ws()
        v1 = state_doc(1, lineage(), managed=1)
        self.assertStatus(self.client.put_state(ws, v1), 200)
        for segment in (f"{ws}%2Fx", f"x%2F{ws}", f"{ws}.json", f"{ws}%2F..%2F{ws}"):
            with self.subTest(segment=segment):
                r = self.client.state("GET", state_path(segment))
                self.assertGoaError(r, 422, "unknown_workspace", "does not exist")
                r = self.client.state("POST", lock_path(segment), lock_info()[1])
                self.assertGoaError(r, 422, "unknown_workspace", "does not exist")
        self.assertIs(self.client.get_workspace(ws)["backend_locked"], False)
        self.assertStored(ws, v1)

    def test_unrouted_methods_on_lock_are_405(self):
        ws = self.new_ws()
        for method in ("GET", "PUT", "PATCH"):
            with self.subTest(method=method):
                r = self.client.state(method, lock_path(ws))
                self.assertGoaError(r, 405, "method_not_allowed")

    def test_never_redirects(self):  # §10.9
        ws = self.new_ws()
        v1 = state_doc(1, lineage(), managed=1)
        self.assertStatus(self.client.put_state(ws, v1), 200)
        base = ws_path(ws) + "/terraform-backend"
        q = f"?accountIdentifier={ACCOUNT}"
        _, lbody = lock_info()
        for method in S_METHODS:
            for path in (f"{base}/{q}", f"{base}/lock/{q}", f"{base}{q}&", f"{base}//lock{q}"):
                body = lbody if method in ("LOCK", "UNLOCK") or "lock" in path else None
                if method in ("POST", "PUT") and "lock" not in path:
                    body = v1
                with self.subTest(method=method, path=path):
                    self.assertNoRedirect(self.client.state(method, path, body))
        # the canonical routes still work afterwards
        self.client.state("DELETE", lock_path(ws))
        self.assertStored(ws, v1)


class SecretsNeverLoggedTest(StateTestCase):  # §10.13

    def test_logs_hold_no_state_credentials_or_who(self):
        ws = self.new_ws()
        secret = "STATESECRET-" + uuid.uuid4().hex
        who = "WHO-" + uuid.uuid4().hex + "@host"
        lin = lineage()
        body = state_doc(1, lin, managed=1, outputs={
            "s": {"value": secret, "type": "string", "sensitive": True}})
        lid, lbody = lock_info(who=who)
        self.assertStatus(self.client.state("POST", lock_path(ws), lbody), 200)
        _, other = lock_info(who=who)
        self.assertStatus(self.client.state("POST", lock_path(ws), other), 423)
        self.assertStatus(self.client.put_state(ws, body, lock_id=lid), 200)
        self.assertStatus(self.client.put_state(ws, body), 423)
        self.assertStatus(self.client.state("DELETE", lock_path(ws), lbody), 200)
        self.assertStatus(self.client.put_state(ws, state_doc(1, lin, managed=2, outputs={
            "s": {"value": secret, "type": "string"}})), 409)
        self.assertStatus(self.client.put_state(ws, b"{" + secret.encode()), 400)
        self.assertStatus(self.client.state("GET", state_path(ws), password="bad-" + secret),
                          401)
        self.assertStatus(self.client.get_state(ws), 200)
        self.assertStatus(self.client.api("GET", ws_path(ws) + "/resources"), 200)
        key = self.client.key
        needles = {"state secret": secret, "LockInfo Who": who, "API key": key,
                   "Authorization": basic_auth(key).split()[1],
                   "rejected password": "bad-" + secret}
        logs = {"server stderr": open(self.server.log_path, "rb").read().decode("utf-8",
                                                                                 "replace"),
                "server stdout": "\n".join(l for l in self.server.stdout_lines
                                            if self.server.admin_key() not in l)}
        for root, _, files in os.walk(self.server.data_dir):
            for f in files:
                if f.endswith(".log"):
                    with open(os.path.join(root, f), "rb") as fh:
                        logs[f] = fh.read().decode("utf-8", "replace")
        self.assertGreater(len(logs["server stderr"]) + len(logs["server stdout"]), 0,
                           "the server logged nothing at all; this test would prove nothing")
        for where, text in logs.items():
            for what, needle in needles.items():
                self.assertNotIn(needle, text, f"{what} found in {where}")


    def test_client_lock_id_cannot_forge_log_lines(self):
        # Regression: the lock ID comes from the client and the force-unlock audit line logs
        # it; an ID holding a newline used to start a line of the attacker's choosing.
        ws = self.new_ws()
        marker = "FORGED-" + uuid.uuid4().hex
        forged_id = f"x\n2026-01-01T00:00:00.000Z info [auth] {marker}\r"
        body = json.dumps({"ID": forged_id, "Operation": "OperationTypeApply", "Info": "",
                           "Who": "a@b", "Version": "1.11.4",
                           "Created": "2026-12-03T18:15:40Z", "Path": ""}).encode()
        self.assertStatus(self.client.state("POST", lock_path(ws), body), 200)
        self.assertStatus(self.client.state("DELETE", lock_path(ws), None), 200)
        # The audit line is written (and flushed) before the response is sent.
        with open(self.server.log_path, "rb") as f:
            lines = f.read().decode("utf-8", "replace").splitlines()
        audit = [l for l in lines if marker in l]
        self.assertEqual(len(audit), 1, audit)
        self.assertIn(f"workspace={ws} lock=x\\x0a2026-01-01T00:00:00.000Z info [auth] "
                      f"{marker}\\x0d origin=backend", audit[0])
        self.assertNotIn("\r", audit[0])


class VersionsTest(StateTestCase):

    def test_versions_list_get_download(self):
        ws = self.new_ws()
        lin = lineage()
        bodies = [state_doc(1, lin, managed=0), state_doc(2, lin, managed=2),
                  state_doc(3, lin, managed=1)]
        t0 = now_ms()
        for b in bodies:
            self.assertStatus(self.client.put_state(ws, b), 200)
        t1 = now_ms()
        r = self.client.api("GET", ws_path(ws) + "/state-versions")
        self.assertStatus(r, 200)
        self.assertEqual(r.headers.get("x-total-items"), "3")
        versions = r.body
        self.assertEqual([v["serial"] for v in versions], [3, 2, 1])
        for v, body, count in zip(versions, reversed(bodies), (1, 2, 0)):
            self.assertEqual(v["lineage"], lin)
            self.assertEqual(v["sha256"], sha256_hex(body))
            self.assertEqual(v["size"], len(body))
            self.assertEqual(v["resource_count"], count)
            self.assertEqual(v["data_type"], "state_raw")
            self.assertIn(v.get("rollback_source_id"), ("", None))
            self.assertIsInstance(v["id"], str)
            self.assertNotEqual(v["id"], "")
            self.assertIsInstance(v["created_by"], str)
            self.assertNotEqual(v["created_by"], "")
            self.assertTrue(t0 - 1000 <= v["created"] <= t1 + 1000, v)
        self.assertEqual(len({v["id"] for v in versions}), 3)
        created = [v["created"] for v in versions]
        self.assertEqual(created, sorted(created, reverse=True))

        r = self.client.api("GET", ws_path(ws) + "/state-versions?limit=2&page=2")
        self.assertStatus(r, 200)
        self.assertEqual(r.headers.get("x-total-items"), "3")
        self.assertEqual(r.headers.get("x-total-pages"), "2")
        self.assertEqual(r.headers.get("x-page-size"), "2")
        self.assertEqual(r.body, versions[2:])
        r = self.client.api("GET", ws_path(ws) + "/state-versions?limit=2&page=3")
        self.assertStatus(r, 200)
        self.assertEqual(r.body, [])

        for v, body in zip(versions, reversed(bodies)):
            r = self.client.api("GET", ws_path(ws) + f"/state-versions/{v['id']}")
            self.assertStatus(r, 200)
            self.assertEqual(r.body, v)
            r = self.client.api("GET", ws_path(ws) + f"/state-versions/{v['id']}/download")
            self.assertStatus(r, 200)
            self.assertEqual(r.raw, body)

    def test_data_listing_honours_its_filters(self):  # iacm-api.md §5.5
        # Regression: GET W/{ws}/data ignored data_type and the other filters, so a client
        # asking for plans (plan_human) was handed the raw state rows.
        ws = self.new_ws()
        for serial in (1, 2):
            self.assertStatus(self.client.put_state(ws, state_doc(serial, "lin-data")), 200)
        base = ws_path(ws) + "/data"
        all_rows = self.client.api("GET", base)
        self.assertStatus(all_rows, 200)
        self.assertEqual([v["serial"] for v in all_rows.body], [2, 1])
        for query in ("data_type=state_raw", "provisioner_type=tf",
                      "data_type=plan_human,state_raw", "data_type=plan_human&data_type=state_raw",
                      "data_type=state_raw&provisioner_type=tf&pipeline_execution_id="):
            with self.subTest(query=query):
                r = self.client.api("GET", f"{base}?{query}")
                self.assertStatus(r, 200)
                self.assertEqual(r.body, all_rows.body)
                self.assertEqual(r.headers.get("x-total-items"), "2")
        for query in ("data_type=plan_human", "data_type=plan_human,cost_diff",
                      "provisioner_type=awscdk", "data_type=state_raw&provisioner_type=awscdk", "pipeline_execution_id=exec1",
                      "pipeline_stage_id=s1"):
            with self.subTest(query=query):
                r = self.client.api("GET", f"{base}?{query}")
                self.assertStatus(r, 200)
                self.assertEqual(r.body, [])
                self.assertEqual(r.headers.get("x-total-items"), "0")
                self.assertEqual(r.headers.get("x-total-pages"), "0")
        self.assertGoaError(self.client.api("GET", f"{base}?data_type=bogus"), 400,
                            "bad_request", "data_type", "bogus")
        self.assertGoaError(self.client.api("GET", f"{base}?provisioner_type=pulumi"), 400,
                            "bad_request", "provisioner_type")
        # state-versions is the state history itself and takes no such filter.
        r = self.client.api("GET", ws_path(ws) + "/state-versions?data_type=plan_human")
        self.assertEqual([v["serial"] for v in r.body], [2, 1])

    def test_rollback(self):  # §10.12 and iacm-api.md §5.5
        ws = self.new_ws()
        lin = lineage()
        bodies = [state_doc(s, lin, managed=s) for s in (1, 2, 3)]
        for b in bodies:
            self.assertStatus(self.client.put_state(ws, b), 200)
        v1 = self.client.versions(ws)[-1]
        self.assertEqual(v1["serial"], 1)
        r = self.client.api("POST", ws_path(ws) + f"/state-versions/{v1['id']}/rollback",
                            {"rollback_reason": "bad deploy"})
        self.assertStatus(r, 200)
        nv = r.body
        self.assertEqual(nv["rollback_source_id"], v1["id"])
        self.assertNotEqual(nv["id"], v1["id"])
        self.assertEqual(nv["serial"], 1)
        self.assertEqual(nv["lineage"], lin)
        self.assertEqual(nv["sha256"], v1["sha256"])
        self.assertEqual(nv["size"], v1["size"])
        self.assertEqual(nv["data_type"], "state_raw")
        listed = self.client.versions(ws)
        self.assertEqual(len(listed), 4)
        self.assertEqual(listed[0], nv)
        self.assertStored(ws, bodies[0])
        shown = self.client.get_workspace(ws)
        self.assertEqual(shown["status"], "rollback_applied")
        self.assertEqual(shown["state_checksum"], sha256_hex(bodies[0]))
        # terraform's next write carries the copy's serial + 1 and passes
        nxt = state_doc(2, lin, managed=5)
        self.assertStatus(self.client.put_state(ws, nxt), 200)
        self.assertStored(ws, nxt)
        self.assertEqual(self.client.get_workspace(ws)["status"], "active")
        # without a body
        r = self.client.api("POST", ws_path(ws) + f"/state-versions/{listed[1]['id']}/rollback")
        self.assertStatus(r, 200)
        self.assertEqual(r.body["rollback_source_id"], listed[1]["id"])
        self.assertStored(ws, bodies[2])

    def test_rollback_refused_while_locked(self):
        ws = self.new_ws()
        lin = lineage()
        b1, b2 = state_doc(1, lin, managed=1), state_doc(2, lin, managed=1)
        for b in (b1, b2):
            self.assertStatus(self.client.put_state(ws, b), 200)
        v1 = self.client.versions(ws)[-1]
        _, lbody = lock_info()
        self.assertStatus(self.client.state("LOCK", lock_path(ws), lbody), 200)
        url = ws_path(ws) + f"/state-versions/{v1['id']}/rollback"
        self.assertGoaError(self.client.api("POST", url, {"rollback_reason": "x"}), 423,
                            "locked")
        self.assertStatus(self.client.state("UNLOCK", lock_path(ws), lbody), 200)
        self.assertStatus(self.client.api("POST", ws_path(ws) + "/actions/lock",
                                          {"reason": "m"}), 200)
        self.assertGoaError(self.client.api("POST", url), 423, "locked")
        self.assertStored(ws, b2)
        self.assertEqual(len(self.client.versions(ws)), 2)
        self.assertEqual(self.client.get_workspace(ws)["status"], "active")
        self.assertStatus(self.client.api("POST", ws_path(ws) + "/actions/force-unlock"), 200)

    def test_version_of_another_workspace_is_404(self):
        a, b = self.new_ws(), self.new_ws()
        self.assertStatus(self.client.put_state(a, state_doc(1, lineage(), managed=1)), 200)
        self.assertStatus(self.client.put_state(b, state_doc(1, lineage(), managed=1)), 200)
        va = self.client.versions(a)[0]["id"]
        for suffix, method in (("", "GET"), ("/download", "GET"), ("/rollback", "POST")):
            with self.subTest(suffix=suffix):
                r = self.client.api(method, ws_path(b) + f"/state-versions/{va}{suffix}")
                self.assertGoaError(r, 404, "not_found")
                r = self.client.api(method,
                                    ws_path(b) + f"/state-versions/{uuid.uuid4()}{suffix}")
                self.assertGoaError(r, 404, "not_found")
        self.assertEqual(self.client.get_workspace(b)["status"], "active")
        self.assertEqual(len(self.client.versions(b)), 1)
        r = self.client.api("GET", ws_path("nosuchws") + "/state-versions")
        self.assertGoaError(r, 404, "not_found")

    def test_versions_need_auth(self):
        ws = self.new_ws()
        r = self.client.api("GET", ws_path(ws) + "/state-versions", key=None)
        self.assertGoaError(r, 401, "unauthorized")


class ResourcesTest(StateTestCase):

    def test_resources_and_sensitive_masking(self):
        ws = self.new_ws()
        r = self.client.api("GET", ws_path(ws) + "/resources")
        self.assertStatus(r, 200)
        self.assertEqual(r.body, {"resources": [], "data_sources": [], "outputs": [],
                                  "stack_outputs": {}, "total_resources": 0})

        secret = "SECRET-" + uuid.uuid4().hex
        nested = "NESTED-" + uuid.uuid4().hex
        attr_secret = "ATTRSECRET-" + uuid.uuid4().hex
        resources = [
            managed_resource("a"),
            managed_resource("b", attrs={"id": "b-id", "input": {"value": "x", "type": "string"},
                                         "output": None, "triggers_replace": None}),
            managed_resource("pw", attrs={"id": "pw-id",
                                          "input": {"value": attr_secret, "type": "string"},
                                          "output": None, "triggers_replace": None},
                             sensitive_attributes=[[{"type": "get_attr", "value": "input"}]]),
            data_resource("remote"),
        ]
        outputs = {
            "plain": {"value": "hello", "type": "string"},
            "num": {"value": 42, "type": "number"},
            "secret": {"value": secret, "type": "string", "sensitive": True},
            "secret_obj": {"value": {"k": nested}, "type": ["object", {"k": "string"}],
                           "sensitive": True},
        }
        body = state_doc(1, lineage(), outputs=outputs, resources=resources)
        self.assertStatus(self.client.put_state(ws, body), 200)
        r = self.client.api("GET", ws_path(ws) + "/resources")
        self.assertStatus(r, 200)
        for s in (secret, nested, attr_secret):
            self.assertNotIn(s.encode(), r.raw, "sensitive value leaked in /resources")
        res = r.body
        self.assertEqual(set(res), {"resources", "data_sources", "outputs", "stack_outputs",
                                    "total_resources"})
        self.assertEqual(res["total_resources"], 3)
        self.assertEqual(sorted((x["type"], x["name"]) for x in res["resources"]),
                         [("terraform_data", "a"), ("terraform_data", "b"),
                          ("terraform_data", "pw")])
        for x in res["resources"]:
            self.assertEqual(x["mode"], "resource")
            self.assertEqual(x["module"], "")
            self.assertEqual(x["provider"], "terraform")
            self.assertEqual(x["provider_address"],
                             'provider["terraform.io/builtin/terraform"]')
        b = next(x for x in res["resources"] if x["name"] == "b")
        self.assertEqual(b["attributes"]["id"], "b-id")
        self.assertEqual([(x["type"], x["name"], x["mode"]) for x in res["data_sources"]],
                         [("terraform_remote_state", "remote", "data")])
        outs = {o["name"]: o for o in res["outputs"]}
        self.assertEqual(set(outs), set(outputs))
        self.assertEqual((outs["plain"]["value"], outs["plain"]["sensitive"]), ("hello", False))
        self.assertEqual((outs["num"]["value"], outs["num"]["sensitive"]), (42, False))
        self.assertEqual((outs["secret"]["value"], outs["secret"]["sensitive"]), (None, True))
        self.assertEqual((outs["secret_obj"]["value"], outs["secret_obj"]["sensitive"]),
                         (None, True))
        # nor in the version metadata or the workspace
        for path in (ws_path(ws), ws_path(ws) + "/state-versions"):
            raw = self.client.api("GET", path).raw
            for s in (secret, nested, attr_secret):
                self.assertNotIn(s.encode(), raw)
        self.assertGoaError(self.client.api("GET", ws_path("nosuchws") + "/resources"), 404,
                            "not_found")


    def test_resource_type_filter_and_paging(self):
        ws = self.new_ws()
        resources = [managed_resource(f"r{i}") for i in range(5)] + [data_resource("remote")]
        self.assertStatus(self.client.put_state(ws, state_doc(1, lineage(), resources=resources)),
                          200)
        base = ws_path(ws) + "/resources"
        r = self.client.api("GET", base + "?limit=2&page=2")
        self.assertStatus(r, 200)
        self.assertEqual([x["name"] for x in r.body["resources"]], ["r2", "r3"])
        self.assertEqual(r.body["total_resources"], 5)
        r = self.client.api("GET", base + "?limit=2&page=4")
        self.assertEqual(r.body["resources"], [])
        r = self.client.api("GET", base + "?resource_types=terraform_remote_state")
        self.assertEqual(r.body["resources"], [])
        self.assertEqual([x["name"] for x in r.body["data_sources"]], ["remote"])
        r = self.client.api("GET", base + "?resource_types=terraform_data,other")
        self.assertEqual(len(r.body["resources"]), 5)
        self.assertEqual(r.body["data_sources"], [])
        self.assertGoaError(self.client.api("GET", base + "?limit=0"), 400, "bad_request",
                            "limit")


class LargeStateTest(StateTestCase):

    SIZE = 256 * 1024 * 1024

    def test_256mib_state_roundtrip(self):  # §10.8
        ws = self.new_ws()
        status, body, sha, _ = upload_streamed(self.client, state_path(ws), self.SIZE)
        self.assertEqual(status, 200, body[:300])
        status, got_sha, n, _ = download_sha256(self.client, state_path(ws))
        self.assertEqual(status, 200)
        self.assertEqual(n, self.SIZE)
        self.assertEqual(got_sha, sha)
        v = self.client.versions(ws)[0]
        self.assertEqual((v["size"], v["sha256"], v["resource_count"]), (self.SIZE, sha, 1))
        self.assertEqual(self.client.get_workspace(ws)["status"], "active")


class StateSizeLimitTest(StateTestCase):

    LIMIT = 1048576
    server_args = ("--max-state-bytes", str(LIMIT))

    def exact_state(self, size, serial, lin):
        base = state_doc(serial, lin, outputs={"pad": {"value": "", "type": "string"}})
        doc = state_doc(serial, lin, outputs={"pad": {"value": "x" * (size - len(base)),
                                                      "type": "string"}})
        self.assertEqual(len(doc), size)
        return doc

    def test_over_limit_is_413(self):  # §10.8
        ws = self.new_ws()
        lin = lineage()
        at_limit = self.exact_state(self.LIMIT, 1, lin)
        self.assertStatus(self.client.put_state(ws, at_limit), 200)
        over = self.exact_state(self.LIMIT + 1, 2, lin)
        r = self.client.put_state(ws, over)
        self.assertGoaError(r, 413, "payload_too_large")
        self.assertStored(ws, at_limit)
        # chunked bodies are limited too
        r = self.client.request("POST", state_path(ws), iter([over[:500000], over[500000:]]), {
            "Authorization": basic_auth(self.client.key), "Content-Type": "application/json",
            "Transfer-Encoding": "chunked"})
        self.assertGoaError(r, 413, "payload_too_large")
        # the connection stays usable (closed and reopened, or the body consumed)
        conn = self.client.connection()
        try:
            h = {"Authorization": basic_auth(self.client.key),
                 "Content-Type": "application/json"}
            r = send_request(conn, "POST", state_path(ws), over, h)
            self.assertGoaError(r, 413, "payload_too_large")
            r = send_request(conn, "GET", state_path(ws), None, h)
            self.assertStatus(r, 200)
            self.assertEqual(r.raw, at_limit)
        finally:
            conn.close()
        big = self.exact_state(20 * self.LIMIT, 3, lin)
        r = self.client.put_state(ws, big, method="PUT")
        self.assertGoaError(r, 413, "payload_too_large")
        self.assertStored(ws, at_limit)
        self.assertEqual(self.version_count(ws), 1)


if __name__ == "__main__":
    unittest.main()
