#!/usr/bin/env python3
"""A business program's webhook endpoint, for trying orgshare's webhooks: prints each delivery and whether its
signature verifies (Standard Webhooks v1). Usage: WEBHOOK_SECRET=whsec_... python3 docs/webhook-receiver.py [PORT]
Answer 500 to the next deliveries with FAIL=1, to watch the retries come with the same webhook-id."""
import base64
import hashlib
import hmac
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

SECRET = base64.b64decode(os.environ["WEBHOOK_SECRET"].removeprefix("whsec_"))
SEEN = set()  # webhook-ids already handled: a retry of a delivery that did arrive is a duplicate, not news


class Hook(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        webhook_id = self.headers.get("webhook-id", "")
        timestamp = self.headers.get("webhook-timestamp", "0")
        signed = webhook_id.encode() + b"." + timestamp.encode() + b"." + body
        expected = "v1," + base64.b64encode(hmac.new(SECRET, signed, hashlib.sha256).digest()).decode()
        valid = any(hmac.compare_digest(expected, given) for given in self.headers.get("webhook-signature", "").split())
        fresh = abs(time.time() - int(timestamp)) < 300  # refuse old (replayed) deliveries
        status = 500 if os.environ.get("FAIL") else 204 if valid and fresh else 401
        duplicate = webhook_id in SEEN
        if status == 204:
            SEEN.add(webhook_id)
        event = json.loads(body) if valid else {}
        print(f"{webhook_id} signature {'ok' if valid else 'BAD'}{' (again)' if duplicate else ''} -> {status}: "
              f"{event.get('type')} {json.dumps(event.get('data'))}", flush=True)
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args):
        pass


port = int(sys.argv[1]) if len(sys.argv) > 1 else 8787
print(f"listening on http://127.0.0.1:{port}/hook", flush=True)
HTTPServer(("127.0.0.1", port), Hook).serve_forever()
