"""A proxy in front of moto's server that fails while told to: AWS answering 503, or not
answering at all, then recovering."""

import http.client
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

UNAVAILABLE = (
    b'<?xml version="1.0"?><ErrorResponse><Error><Type>Receiver</Type>'
    b"<Code>ServiceUnavailable</Code><Message>Service is unavailable</Message></Error>"
    b"<RequestId>flaky</RequestId></ErrorResponse>"
)


class FlakyProxy:
    """Forwards to `target`; while `failing`, answers 503; while `silent`, never answers
    (until the client gives up). `calls` counts what reached it."""

    def __init__(self, target: str):
        self.target = urlsplit(target)
        self.failing = False
        self.silent = False
        self.calls = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _any(self):
                proxy.calls += 1
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if proxy.silent:
                    time.sleep(30)
                    return
                if proxy.failing:
                    self.send_response(503)
                    self.send_header("Content-Type", "text/xml")
                    self.send_header("Content-Length", str(len(UNAVAILABLE)))
                    self.end_headers()
                    self.wfile.write(UNAVAILABLE)
                    return
                upstream = http.client.HTTPConnection(proxy.target.hostname, proxy.target.port)
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                headers["Host"] = self.headers["Host"]
                upstream.request(self.command, self.path, body=body, headers=headers)
                answer = upstream.getresponse()
                data = answer.read()
                self.send_response(answer.status)
                for key, value in answer.getheaders():
                    if key.lower() not in ("transfer-encoding", "content-length", "connection"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                upstream.close()

            do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _any

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
