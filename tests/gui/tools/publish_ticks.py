#!/usr/bin/env python3
"""Publishes random-walk ticks to a Tickscope server, for trying the desktop by hand and for
the frame-time measurements (the synthetic feed does the same inside the server).

    TICKSCOPE_JWT_SECRET=... publish_ticks.py ws://127.0.0.1:8765/v1/stream --rate 100000

The token is minted here from TICKSCOPE_JWT_SECRET (HS256, no kid, scope publish, tier
unlimited), which the server accepts as its current key."""
import argparse, asyncio, base64, hashlib, hmac, json, math, os, random, time

import websockets

SYMBOLS = {
    "BTC-USD": 64000, "ETH-USD": 3400, "SOL-USD": 150, "AAPL": 190, "MSFT": 410, "NVDA": 900,
    "SPY": 520, "QQQ": 440, "EURUSD": 1.0850, "ES-FUT": 5200, "GBPUSD": 1.2700,
    "USDJPY": 151.20, "AMZN": 180, "GOOGL": 170, "META": 490, "TSLA": 175, "XRP-USD": 0.52,
    "ADA-USD": 0.45, "CL-FUT": 82, "DOGE-USD": 0.16,
}


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def mint(secret, scope="read publish", ttl=3600):
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    now = int(time.time())
    claims = {"sub": "publisher", "scope": scope, "tier": "unlimited", "iat": now, "exp": now + ttl}
    body = b64(json.dumps(claims).encode())
    sig = hmac.new(secret.encode(), f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{b64(sig)}"


def decimals(price):
    return 5 if price < 10 else 2


async def run(url, rate, seconds, symbols):
    token = mint(os.environ["TICKSCOPE_JWT_SECRET"])
    prices = {s: SYMBOLS.get(s, 100.0) for s in symbols}
    weights = [3 if s in ("BTC-USD", "SPY", "ETH-USD") else 1 for s in symbols]
    async with websockets.connect(url, extra_headers={"Authorization": f"Bearer {token}"},
                                  max_size=None) as ws:
        await ws.recv()  # hello
        start = time.monotonic()
        sent = 0
        next_id = 1
        pending = 0
        while seconds <= 0 or time.monotonic() - start < seconds:
            due = int((time.monotonic() - start) * rate) - sent
            if due <= 0:
                await asyncio.sleep(0.005)
                continue
            due = min(due, 20000)
            ticks = []
            now_us = int(time.time() * 1e6)
            for s in random.choices(symbols, weights, k=due):
                p = prices[s] * math.exp(random.gauss(0, 0.0004))
                prices[s] = p
                ticks.append({"s": s, "t": now_us, "p": round(p, decimals(p)),
                              "v": round(random.expovariate(1.0), 4)})
            await ws.send(json.dumps({"op": "publish", "id": next_id, "ticks": ticks}))
            next_id += 1
            pending += 1
            sent += due
            # Keep at most a few publishes unacknowledged (the server acks once durable).
            while pending > 4:
                msg = json.loads(await ws.recv())
                if msg.get("op") in ("published", "error"):
                    pending -= 1
                    if msg.get("op") == "error":
                        print("error:", msg)
        print(f"published {sent} ticks in {time.monotonic() - start:.1f} s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=0)
    parser.add_argument("--symbols", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(run(args.url, args.rate, args.seconds, list(SYMBOLS)[: args.symbols]))


if __name__ == "__main__":
    main()
