"""A real RFC 3161 time-stamping authority for attest's tests: OpenSSL's `ts -reply`
behind a loopback HTTP endpoint (application/timestamp-query in, -reply out).

Usage: python3 tsa.py PORT DIR. Makes an RSA key and a self-signed certificate with the
critical timeStamping extended key usage in DIR, prints "ready" once listening.
"""
import http.server
import os
import subprocess
import sys
import tempfile

port, root = int(sys.argv[1]), sys.argv[2]
os.makedirs(root, exist_ok=True)
key, cert, config = (os.path.join(root, name) for name in ("key.pem", "cert.pem", "tsa.cnf"))
if not os.path.exists(cert):
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
         "-out", cert, "-days", "3", "-subj", "/CN=attest test TSA/O=attest tests",
         "-addext", "extendedKeyUsage=critical,timeStamping"],
        check=True, capture_output=True)
    with open(os.path.join(root, "serial"), "w") as serial:
        serial.write("01\n")
    with open(config, "w") as out:
        out.write(f"""[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {root}
serial = $dir/serial
crypto_device = builtin
signer_cert = {cert}
signer_key = {key}
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ess_cert_id_alg = sha256
""")


class Authority(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with tempfile.TemporaryDirectory() as work:
            query, reply = os.path.join(work, "q.tsq"), os.path.join(work, "r.tsr")
            with open(query, "wb") as out:
                out.write(body)
            done = subprocess.run(
                ["openssl", "ts", "-reply", "-config", config, "-queryfile", query, "-out", reply],
                capture_output=True)
            if done.returncode != 0:
                sys.stderr.write(done.stderr.decode())
                self.send_response(400)
                self.end_headers()
                return
            with open(reply, "rb") as answer:
                data = answer.read()
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Authority)
print("ready", flush=True)
server.serve_forever()
