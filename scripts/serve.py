#!/usr/bin/env python3
"""Serve a static folder for Paxoscope with correct MIME types.

    python3 scripts/serve.py [--dir www] [--host 127.0.0.1] [--port 8080] [--prefix /paxoscope/]

* `.wasm` is served as application/wasm (needed for WebAssembly.instantiateStreaming)
  and `.js`/`.mjs` as text/javascript (needed for ES modules), whatever the system's
  mime.types says.
* Responses carry `Cache-Control: no-store`, so a rebuilt www/pkg is picked up on reload.
* `--prefix` serves the folder under a sub-path (as GitHub Pages does for a project site):
  `/paxoscope/` maps to the folder, anything outside the prefix is 404, and the bare
  prefix without its slash redirects to it. Used to test that dist/ only uses relative URLs.
"""

import argparse
import functools
import http.server
import os
import sys
import tempfile

MIME = {
    ".wasm": "application/wasm",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".html": "text/html",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".map": "application/json",
    ".ts": "text/plain",
    ".txt": "text/plain",
    ".md": "text/plain",
}


class Handler(http.server.SimpleHTTPRequestHandler):
    prefix = "/"
    quiet = False
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME}

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def _strip_prefix(self):
        """Rewrites self.path to be relative to the prefix; returns False when outside it."""
        if self.prefix == "/":
            return True
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == self.prefix.rstrip("/"):
            self.send_response(301)
            self.send_header("Location", self.prefix)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return False
        if not self.path.startswith(self.prefix):
            self.send_error(404, "outside " + self.prefix)
            return False
        self.path = "/" + self.path[len(self.prefix):]
        return True

    def do_GET(self):
        if self._strip_prefix():
            super().do_GET()

    def do_HEAD(self):
        if self._strip_prefix():
            super().do_HEAD()

    def log_message(self, fmt, *args):
        if not self.quiet:
            super().log_message(fmt, *args)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", default="www", help="folder to serve (default: www)")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8080")))
    ap.add_argument("--prefix", default="/", help="URL sub-path to serve the folder under")
    ap.add_argument("--quiet", action="store_true", help="do not log each request")
    ap.add_argument("--allow-missing", action="store_true",
                    help="if the folder does not exist, serve an empty one (tests then skip)")
    args = ap.parse_args()

    if not os.path.isdir(args.dir):
        if not args.allow_missing:
            sys.exit(f"serve.py: no folder {args.dir!r} to serve")
        print(f"serve.py: {args.dir!r} does not exist; serving an empty folder", file=sys.stderr)
        args.dir = tempfile.mkdtemp(prefix="paxoscope-empty-")
    prefix = "/" + args.prefix.strip("/") + "/" if args.prefix.strip("/") else "/"
    handler = type("PaxoscopeHandler", (Handler,), {"prefix": prefix, "quiet": args.quiet})
    handler = functools.partial(handler, directory=os.path.abspath(args.dir))
    http.server.ThreadingHTTPServer.allow_reuse_address = True
    try:
        server = http.server.ThreadingHTTPServer((args.host, args.port), handler)
    except OSError as e:
        sys.exit(f"serve.py: cannot listen on {args.host}:{args.port}: {e.strerror} "
                 f"(is another server running? try PORT=8081)")
    port = server.server_address[1]
    print(f"Serving {args.dir} at http://{args.host}:{port}{prefix}  (Ctrl-C to stop)",
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
