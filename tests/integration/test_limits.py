"""Abuse limits of `terrane serve`, driven over raw sockets and HTTP: slow request headers are
closed, oversized headers get 431, connections beyond the caps are refused, a key's requests get
429 with Retry-After after its burst and recover after waiting, a flood of failed
authentications from one address is answered 429 while a good key keeps working, and runs (whose
terraform uses its own credential) are not throttled into failing.
"""

import os
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from terrane_harness import ServerTestCase, basic_auth, state_path, ws_path  # noqa: E402


def connect(server, timeout=10.0):
    s = socket.create_connection((server.host, server.port), timeout=timeout)
    return s


def read_response(s):
    """Reads one response with a Content-Length body; returns (status, headers, body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        if not chunk:
            raise AssertionError(f"connection closed before a response header: {data!r}")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = s.recv(65536)
        if not chunk:
            break
        rest += chunk
    return status, headers, rest[:length]


def closed_by_peer(s, timeout):
    """True when the server closes `s` (EOF or reset) within `timeout` seconds."""
    s.settimeout(timeout)
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def healthz_request():
    return b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"


class SlowAndLargeHeaderTest(ServerTestCase):
    server_args = ("--header-timeout", "2", "--max-header-bytes", "4096")

    def test_a_header_trickled_byte_by_byte_is_closed(self):
        s = connect(self.server)
        try:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Slow: ")
            start = time.monotonic()
            closed = False
            # One byte every 0.25 s would keep an inactivity timer alive forever; the header
            # timeout counts the whole header, so the server closes after about 2 s.
            while time.monotonic() - start < 10:
                try:
                    s.sendall(b"a")
                except (BrokenPipeError, ConnectionResetError):
                    closed = True
                    break
                if closed_by_peer(s, 0.25):
                    closed = True
                    break
            elapsed = time.monotonic() - start
            self.assertTrue(closed, "a trickled header kept the connection open for 10 s")
            self.assertGreater(elapsed, 1.0)
            self.assertLess(elapsed, 6.0)
        finally:
            s.close()
        # The server still answers others.
        self.assertStatus(self.client.request("GET", "/healthz"), 200)

    def test_oversized_headers_get_431(self):
        s = connect(self.server)
        try:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * 8192 + b"\r\n\r\n")
            status, headers, body = read_response(s)
        finally:
            s.close()
        self.assertEqual(status, 431)
        self.assertTrue(headers["content-type"].startswith("application/vnd.goa.error"))
        self.assertIn(b"request_header_fields_too_large", body)
        self.assertIn(b"--max-header-bytes", body)
        # Headers within the limit are fine.
        r = self.client.request("GET", "/healthz", headers={"X-Fine": "a" * 2000})
        self.assertStatus(r, 200)


class ConnectionCapTest(ServerTestCase):
    server_args = ("--max-connections-per-address", "3")

    def test_connections_beyond_the_per_address_cap_are_refused(self):
        held = []
        try:
            for _ in range(3):
                s = connect(self.server)
                s.sendall(healthz_request())
                self.assertEqual(read_response(s)[0], 200)
                held.append(s)  # kept alive, still open
            extra = connect(self.server)
            held.append(extra)
            status, headers, body = read_response(extra)
            self.assertEqual(status, 429)
            self.assertEqual(headers.get("retry-after"), "1")
            self.assertIn(b"too many open connections from your address", body)
            self.assertTrue(closed_by_peer(extra, 5))
            # Closing one makes room for a new connection.
            held.pop(0).close()
            deadline = time.monotonic() + 5
            while True:
                s = connect(self.server)
                s.sendall(healthz_request())
                status = read_response(s)[0]
                s.close()
                if status == 200 or time.monotonic() > deadline:
                    break
                time.sleep(0.1)
            self.assertEqual(status, 200)
        finally:
            for s in held:
                s.close()


class TotalConnectionCapTest(ServerTestCase):
    server_args = ("--max-connections", "2")

    def test_connections_beyond_the_total_cap_get_503(self):
        held = []
        try:
            for _ in range(2):
                s = connect(self.server)
                s.sendall(healthz_request())
                self.assertEqual(read_response(s)[0], 200)
                held.append(s)
            extra = connect(self.server)
            held.append(extra)
            status, headers, body = read_response(extra)
            self.assertEqual(status, 503)
            self.assertEqual(headers.get("retry-after"), "1")
            self.assertIn(b"too many open connections", body)
            self.assertTrue(closed_by_peer(extra, 5))
        finally:
            for s in held:
                s.close()


class KeyRateLimitTest(ServerTestCase):
    server_args = ("--rate-limit", "1", "--rate-burst", "5")

    def test_429_with_retry_after_after_the_burst_then_recovery(self):
        key = self.server.create_api_key(name="limited")
        path = "/v1/orgs"
        for i in range(5):
            self.assertStatus(self.client.api("GET", path, key=key), 200)
        r = self.client.api("GET", path, key=key)
        body = self.assertGoaError(r, 429, "too_many_requests", "too many requests",
                                   "--rate-limit")
        self.assertTrue(body["temporary"])
        wait = int(r.headers["retry-after"])
        self.assertGreaterEqual(wait, 1)
        self.assertLessEqual(wait, 2)
        # Another key is not affected; the terraform-backend routes count against the same key.
        other = self.server.create_api_key(name="other")
        self.assertStatus(self.client.api("GET", path, key=other), 200)
        ws = self.unique("ws")
        self.client.create_workspace(ws)
        r = self.client.state("GET", state_path(ws), password=key)
        self.assertStatus(r, 429)
        self.assertIn("retry-after", r.headers)
        time.sleep(wait + 0.1)
        self.assertStatus(self.client.api("GET", path, key=key), 200)

    def test_a_wrong_secret_for_a_key_id_does_not_spend_that_keys_budget(self):
        key = self.server.create_api_key(name="victim")
        prefix, key_id, secret = key.split(".")
        forged = f"{prefix}.{key_id}.{'0' * len(secret)}"
        for _ in range(20):
            r = self.client.api("GET", "/v1/orgs", key=forged)
            self.assertIn(r.status, (401, 429), r)
        for _ in range(5):
            self.assertStatus(self.client.api("GET", "/v1/orgs", key=key), 200)


class AuthFailureLimitTest(ServerTestCase):
    server_args = ("--auth-failure-rate", "0.5", "--auth-failure-burst", "5")

    def test_a_failing_auth_flood_is_slowed_while_a_good_key_still_works(self):
        bad = "tk.0123456789abcdef." + "0" * 48
        statuses = [self.client.api("GET", "/v1/orgs", key=bad).status for _ in range(5)]
        self.assertEqual(statuses, [401] * 5)
        r = self.client.api("GET", "/v1/orgs", key=bad)
        self.assertGoaError(r, 429, "too_many_requests", "failed authentications")
        self.assertEqual(r.headers["retry-after"], "2")
        # Malformed keys and the terraform-backend routes count too.
        self.assertStatus(self.client.api("GET", "/v1/orgs", key="guess"), 429)
        ws = self.unique("ws")
        self.client.create_workspace(ws)
        self.assertStatus(self.client.state("GET", state_path(ws), password="guess"), 429)
        # The flood does not lock out a valid key from the same address.
        for _ in range(10):
            self.assertStatus(self.client.api("GET", "/v1/orgs"), 200)
        self.assertIn(self.client.state("GET", state_path(ws)).status, (200, 404))
        time.sleep(2.1)
        self.assertStatus(self.client.api("GET", "/v1/orgs", key=bad), 401)


if __name__ == "__main__":
    unittest.main()
