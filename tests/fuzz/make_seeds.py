#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (tests/fuzz/<name>/corpus/).

The seeds are checked in; run this only to change them. Tokens are signed with the
harnesses' fixed key (kid k1) and dated against their fixed clock, so they stay valid.
Regression inputs (tests/fuzz/<name>/regressions/) are never touched here.
"""

import base64
import hashlib
import hmac
import json
import pathlib
import shutil

ROOT = pathlib.Path(__file__).resolve().parent
NOW = 1763790000  # the harnesses' clock
KEYS = {
    "k1": b"tickscope-fuzz-secret-0123456789abcdef",
    "k0": b"tickscope-fuzz-old-secret-0123456789ab",  # retired
}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(payload, header=None, key="k1", raw_payload=None) -> str:
    if header is None:
        header = {"alg": "HS256", "typ": "JWT", "kid": key}
    head = b64(json.dumps(header, separators=(",", ":")).encode())
    body = b64(raw_payload if raw_payload is not None
               else json.dumps(payload, separators=(",", ":")).encode())
    mac = hmac.new(KEYS[key], f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64(mac)}"


def claims(**extra):
    c = {"sub": "alice", "exp": NOW + 3600}
    c.update(extra)
    return c


VALID = token(claims(scope="read"))


def write(target: str, seeds: dict):
    corpus = ROOT / target / "corpus"
    shutil.rmtree(corpus, ignore_errors=True)
    corpus.mkdir(parents=True)
    for name, data in seeds.items():
        if isinstance(data, str):
            data = data.encode()
        (corpus / name).write_bytes(data)


def http_seeds():
    def req(lines, tail=b""):
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + tail

    upgrade = ["Host: localhost:8765", "Upgrade: websocket", "Connection: keep-alive, Upgrade",
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13"]
    return {
        "upgrade-bearer": req(["GET /v1/stream HTTP/1.1", *upgrade,
                               "Origin: https://app.example.com",
                               f"Authorization: Bearer {VALID}"],
                              b"\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58"),
        "upgrade-query-token": req([f"GET /v1/stream?access_token={VALID}&x=1 HTTP/1.1",
                                    *upgrade]),
        "upgrade-bad-origin": req(["GET /v1/stream HTTP/1.1", *upgrade,
                                   "Origin: https://evil.example"]),
        "upgrade-no-token": req(["GET /v1/stream HTTP/1.1", *upgrade]),
        "stream-without-upgrade": req(["GET /v1/stream HTTP/1.1", "Host: a"]),
        "healthz": req(["GET /healthz HTTP/1.1", "Host: localhost"]),
        "head-metrics-http10": req(["HEAD /metrics HTTP/1.0"]),
        "ticks": req(["GET /api/v1/ticks?symbol=BTC-USD&from=1&limit=10 HTTP/1.1", "Host: h",
                      f"authorization: bearer {VALID}"]),
        "ticks-encoded": req(["GET /api%2Fv1/ticks?symbol=BTC%2DUSD&from=%31&limit=+5&&=x "
                              "HTTP/1.1", "Host: h"]),
        "symbols-post": req(["POST /api/v1/symbols HTTP/1.1", "Host: h", "Content-Length: 5"],
                            b"hello"),
        "chunked": req(["GET /healthz HTTP/1.1", "Host: h", "Transfer-Encoding: chunked"]),
        "folded-header": req(["GET / HTTP/1.1", "Host: h", "X-A: 1", " continued"]),
        "no-host": req(["GET /readyz HTTP/1.1"]),
        "bad-version": req(["GET / HTTP/2.0", "Host: h"]),
        "bad-method": req(["G(T / HTTP/1.1", "Host: h"]),
        "absolute-target": req(["GET http://h/ HTTP/1.1", "Host: h"]),
        "control-in-value": req(["GET / HTTP/1.1", "Host: h\x01x"]),
        "incomplete": b"GET /v1/stream HTTP/1.1\r\nHost: h\r\n",
        "bare-lf": b"GET / HTTP/1.1\nHost: h\n\n",
        "too-large": b"GET / HTTP/1.1\r\n" + b"X-Pad: " + b"a" * 16400,
    }


def jwt_seeds():
    latin1, utf8, signed, pieces = b"\x00", b"\x01", b"\x02", b"\x03"
    full = claims(nbf=NOW - 10, iat=NOW - 10, scope="read publish admin",
                  symbols=["BTC-USD", "ETH-*"], tier="producer")
    hdr = json.dumps({"alg": "HS256", "typ": "JWT", "kid": "k1"}, separators=(",", ":"))

    def js(header, payload):
        return signed + (header + "\n" + payload).encode()

    return {
        "valid": latin1 + VALID.encode(),
        "valid-no-kid": latin1 + token(claims(), header={"alg": "HS256"}).encode(),
        "valid-full": latin1 + token(full).encode(),
        "expired": latin1 + token(claims(exp=NOW - 100)).encode(),
        "not-yet-valid": latin1 + token(claims(nbf=NOW + 100)).encode(),
        "issued-in-future": latin1 + token(claims(iat=NOW + 100)).encode(),
        "alg-none": latin1 + (b64(b'{"alg":"none"}') + "." + b64(json.dumps(claims()).encode())
                              + ".").encode(),
        "alg-hs512": latin1 + token(claims(), header={"alg": "HS512", "kid": "k1"}).encode(),
        "retired-kid": latin1 + token(claims(), key="k0").encode(),
        "unknown-kid": latin1 + token(claims(), header={"alg": "HS256", "kid": "zz"}).encode(),
        "bad-signature": latin1 + (VALID[:-2] + ("AA" if VALID[-2:] != "AA" else "BA")).encode(),
        "crit": latin1 + token(claims(), header={"alg": "HS256", "crit": ["b64"]}).encode(),
        "padded": latin1 + (VALID + "==").encode(),
        "two-parts": latin1 + VALID.rsplit(".", 1)[0].encode(),
        "garbage": latin1 + b"not a token",
        "utf8-token": utf8 + (VALID[:10] + "\u00e9\u4e2d" + VALID[10:]).encode(),
        "json-valid": js(hdr, json.dumps(full)),
        "json-no-kid": js('{"alg":"HS256","typ":"jwt"}', '{"sub":"bob","exp":1763793600}'),
        "json-bad-scope": js(hdr, '{"sub":"a","exp":1763793600,"scope":"read\\twrite"}'),
        "json-bad-symbols": js(hdr, '{"sub":"a","exp":1763793600,"symbols":["BTC USD","*"]}'),
        "json-float-exp": js(hdr, '{"sub":"a","exp":1763793600.5,"iat":1e300}'),
        "json-surrogate-sub": js(hdr, '{"sub":"\\ud800x","exp":1763793600,"tier":""}'),
        "json-payload-only": signed + b'{"sub":"c","exp":1763793600,"scope":"trade"}',
        "b64-pieces": pieces + b"eyJhbGciOiJIUzI1NiJ9",
        "b64-nonzero-bits": pieces + b"AB",
        "scopes": pieces + b"read  admin read publish",
        "pattern": pieces + b"ETH-*",
    }


def command_seeds():
    return {
        "subscribe": '{"op":"subscribe","id":1,"symbols":["BTC-USD","ETH-USD"]}',
        "subscribe-since": '{"op":"subscribe","id":1,"symbols":["BTC-USD"],'
                           '"since":{"epoch":"e-1","seq":{"BTC-USD":1041}}}',
        "unsubscribe": '{"op":"unsubscribe","id":2,"symbols":["BTC-USD","BTC-USD"]}',
        "history": '{"op":"history","id":3,"symbol":"BTC-USD","from":1,"limit":1000}',
        "publish": '{"op":"publish","id":4,"ticks":[{"s":"X","t":1763790000123456,'
                   '"p":64123.5,"v":0.25},{"s":"Y.Z","p":-1e-7},{"s":"Q","p":5e-324,"v":0}]}',
        "ping": '{"op":"ping","id":5}',
        "refresh": '{"op":"refresh","id":6,"token":"' + VALID + '"}',
        "unknown-op": '{"op":"trade","id":7}',
        "not-json": '{"op":"ping",}',
        "not-object": '[1,2,3]',
        "no-op": '{"id":8}',
        "id-float": '{"op":"ping","id":1.0}',
        "bad-symbol": '{"op":"subscribe","symbols":["-BTC","\\u0000"]}',
        "history-limit": '{"op":"history","symbol":"A","limit":1001,"from":0}',
        "publish-bad": '{"op":"publish","ticks":[{"s":"X","p":1e999,"t":9007199254740992}]}',
        "escapes": '{"op":"\\u0070ing","id":9,"x":"\\ud83d\\ude00\\ud800\\n\\"","y":[true,'
                   'false,null,-0,0.5e+3]}',
        "deep": '{"op":"ping","x":' + "[" * 40 + "]" * 40 + "}",
        "duplicate-keys": '{"op":"history","op":"ping","id":-9223372036854775808}',
        "publish-spaced": ' { "ticks" : [ { "p" : 1.5 , "t" : 0 , "s" : "A" , "v" : -0.0 } ,\n'
                          '\t{"v":1e2,"s":"A","p":-0}] , "id" : -3 , "op" : "publish" }\r\n',
        "publish-near-miss": '{"op":"publish","id":1,"ticks":[{"s":"A","p":1,"t":1,"t":2},'
                             '{"s":"A","p":1,"x":0},{"s":"A\\u0042","p":1}]}',
    }


def config_seeds():
    loader, ini, url_pw, cluster_pw, keys = (bytes([i]) for i in range(5))
    return {
        "loader": loader + b"--listen\n127.0.0.1:9000\n--symbols=BTC-USD,ETH-USD\n"
                           b"TICKSCOPE_TIER_GOLD_COMMANDS_PER_SECOND=5\n--tier.gold.http-burst=3\n"
                           b"--retention-age=7d\n--viewer-queue-cap=8MiB\n--insecure",
        "loader-bad": loader + b"--listne=1\n--print-config\nTICKSCOPE_LISTN=x",
        "loader-origins": loader + b"--allowed-origins=HTTPS://App.Example.com:443,http://[::1]:80"
                                   b"\n--feed=ws://up:8765\n--store=redis\n--headless",
        "loader-secrets": loader + b"--jwt-secret\nshort\n--token=abc\n--connect=wss://u:p@h/x",
        "ini": ini + b"listen = 127.0.0.1:8766\nstore = memory\nsymbols = \"A,B\"\n"
                     b"[tier.gold]\ncommands-per-second = 10\n",
        "ini-bad": ini + b"[general]\nlisten=1\n\x00\n[tier.unlimited]\nhttp-burst=1\n",
        "url-password": url_pw + b"@localhost:6379/3",
        "url-password-db": url_pw + b"@h/99",
        "cluster-password": cluster_pw + b"@h1:7000,h2:7001",
        "keys": keys + b'{"version":1,"keys":[{"kid":"9f2c","secret":"' +
                b64(b"x" * 32).encode() + b'","created_at":1763790000,"retires_at":0}]}',
        "keys-bad": keys + b'{"version":2,"keys":[{"kid":"","secret":"==="}]}',
    }


def values_seeds():
    units, url, url_pw, cluster_pw, symbol = (bytes([i]) for i in range(5))
    return {
        "units-ms": units + b"500ms",
        "units-size": units + b" 8 MiB ",
        "units-overflow": units + b"99999999999999999999d",
        "units-fraction": units + b"1.5h",
        "url-single": url + b"redis://localhost:6379/2",
        "url-list": url + b"redis://h1:7000, redis://h2:7001",
        "url-cluster": url + b"redis+cluster://u:p%40ss@h1:7000,h2:7001/0",
        "url-v6": url + b"redis://[::1]:6380",
        "url-tls": url + b"rediss://h:6379",
        "url-password": url_pw + b"@localhost:6379/3",
        "url-password-list": url_pw + b"@h1:1,redis://h2:2",
        "cluster-password": cluster_pw + b"@h1:7000,h2:7001",
        "symbol": symbol + b"BTC-USD",
        "symbol-long": symbol + b"A" * 33,
        "symbol-chars": symbol + b"es.F:2025/x_y",
    }


def dictionary(name: str, words):
    lines = [f'kw{i}="{w}"' for i, w in enumerate(words)]
    (ROOT / name / f"{name}.dict").write_text(
        f"# libFuzzer dictionary for fuzz_{name} (written by make_seeds.py)\n"
        + "\n".join(lines) + "\n")


def escape(text: str) -> str:
    return "".join(c if 0x20 <= ord(c) < 0x7f and c not in '"\\' else f"\\x{ord(c):02X}"
                   for c in text)


if __name__ == "__main__":
    write("http_request", http_seeds())
    write("jwt", jwt_seeds())
    write("command", command_seeds())
    write("config", config_seeds())
    write("values", values_seeds())
    dictionary("http_request", map(escape, [
        "GET", "HEAD", "POST", " HTTP/1.1\r\n", " HTTP/1.0\r\n", "\r\n", "\r\n\r\n", ": ",
        "Host", "Upgrade", "websocket", "Connection", "Sec-WebSocket-Key",
        "Sec-WebSocket-Version", "13", "Origin", "https://app.example.com", "Authorization",
        "Bearer ", "Content-Length", "Transfer-Encoding", "/v1/stream", "/healthz", "/readyz",
        "/metrics", "/metrics/system", "/api/v1/symbols", "/api/v1/ticks", "?", "&", "=", "%",
        "symbol=", "from=", "limit=", "access_token=", VALID]))
    dictionary("jwt", map(escape, [
        "eyJ", ".", '"alg"', '"HS256"', '"typ"', '"JWT"', '"kid"', '"k1"', '"k0"', '"crit"',
        '"sub"', '"exp"', '"nbf"', '"iat"', '"scope"', '"symbols"', '"tier"', "read",
        "publish", "trade", "admin", "1763793600", "9007199254740992", "\\u", "*", "\n"]))
    dictionary("command", map(escape, [
        '"op"', '"id"', '"subscribe"', '"unsubscribe"', '"history"', '"publish"', '"ping"',
        '"refresh"', '"symbols"', '"since"', '"epoch"', '"seq"', '"symbol"', '"from"',
        '"limit"', '"ticks"', '"s"', '"p"', '"v"', '"t"', '"token"', "true", "false", "null",
        "\\u", "\\ud83d", "e+", "e-", "9007199254740992", "BTC-USD"]))
    dictionary("config", map(escape, [
        "redis://", "redis+cluster://", "@", ":", ",", "/", "[", "]", "ms", "s", "KiB", "MiB",
        "--", "=", "\n", "TICKSCOPE_", "--listen", "--allowed-origins", "--handshake-limit",
        "--handshake-burst", "--max-connections", "--viewer-queue-cap", "--heartbeat",
        "--flush-window", "--data-dir", "--store", "--redis-url", "--retention-ticks",
        "--retention-age", "--trim-interval", "--feed", "--feed-token", "--symbols", "--rate",
        "--seed", "--jwt-secret", "--token-leeway", "--log-level", "--connect", "--token",
        "--insecure", "--headless", "--print-config", "--tier.", ".commands-per-second",
        ".commands-burst", ".http-per-second", ".http-burst", "ws://", "wss://", "https://",
        "[tier.gold]", "[general]", '"version"', '"keys"', '"kid"', '"secret"', '"created_at"',
        '"retires_at"']))
    dictionary("values", map(escape, [
        "redis://", "redis+cluster://", "rediss://", "@", ":", ",", "/", "[", "]", "%40",
        "ms", "s", "m", "h", "d", "KiB", "MiB", "GiB", "TiB", "B", "*", ".", "_", "-"]))
