#!/usr/bin/env python3
"""A WebRTC peer (aiortc 1.16.0) driven over stdin/stdout, for VarianceCallTransport's interop tests.

One JSON object per line in, one per line out. It sends a 440 Hz tone on its audio track and
measures the dominant frequency of the audio it receives.

  {"op": "offer"}                       -> {"sdp": offer}         (complete: candidates gathered)
  {"op": "answer", "sdp": offer}        -> {"sdp": answer}
  {"op": "accept", "sdp": answer}       -> {}                     (the answer to our offer)
  {"op": "connected"}                   -> {"elapsed_ms": ms}     (ms since the peer was created)
  {"op": "frequency", "seconds": s}     -> {"frequency": hz, "frames": n}  (after s seconds of audio)
  {"op": "close"}                       -> {}
Errors answer {"error": text}.

`aiortc_peer.py --measure N` instead connects two aiortc peers on loopback N times and prints
the set-up times (creation to both connected) as JSON.
"""
import array
import asyncio
import fractions
import json
import math
import sys
import time

import aioice.ice
import av
from aiortc import MediaStreamTrack, RTCConfiguration, RTCPeerConnection, RTCSessionDescription

# Offline on loopback: aioice skips 127.0.0.1 unless told otherwise.
aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]

SAMPLE_RATE = 48000
FRAME = 960  # 20 ms


class ToneTrack(MediaStreamTrack):
    """A 440 Hz sine, paced in real time, 20 ms frames of 16-bit mono."""

    kind = "audio"

    def __init__(self, frequency=440.0):
        super().__init__()
        self.frequency = frequency
        self.pts = 0
        self.start = None

    async def recv(self):
        if self.start is None:
            self.start = time.monotonic()
        else:
            delay = self.start + self.pts / SAMPLE_RATE - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        step = 2 * math.pi * self.frequency / SAMPLE_RATE
        samples = array.array("h", (int(12000 * math.sin(step * (self.pts + i))) for i in range(FRAME)))
        frame = av.AudioFrame(format="s16", layout="mono", samples=FRAME)
        frame.planes[0].update(samples.tobytes())
        frame.pts = self.pts
        frame.sample_rate = SAMPLE_RATE
        frame.time_base = fractions.Fraction(1, SAMPLE_RATE)
        self.pts += FRAME
        return frame


def goertzel_power(samples, rate, frequency):
    coefficient = 2 * math.cos(2 * math.pi * frequency / rate)
    s1 = s2 = 0.0
    for x in samples:
        s1, s2 = x + coefficient * s1 - s2, s1
    return s1 * s1 + s2 * s2 - coefficient * s1 * s2


def dominant_frequency(samples, rate):
    """Coarse scan on a short window, then a fine scan around the peak on the whole window."""
    # Decimate by 4 (12 kHz) with a box filter to keep pure Python fast enough.
    decimated = [sum(samples[i:i + 4]) / 4 for i in range(0, len(samples) - 3, 4)]
    low_rate = rate / 4
    short = decimated[: int(low_rate / 4)]
    coarse = max(range(50, 3000, 10), key=lambda f: goertzel_power(short, low_rate, f))
    fine = [coarse - 12 + 0.1 * k for k in range(241)]
    return max(fine, key=lambda f: goertzel_power(decimated, low_rate, f))


class Peer:
    def __init__(self):
        self.created = time.monotonic()
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.pc.addTrack(ToneTrack())
        self.samples = []
        self.frames = 0
        self.connected = asyncio.Event()
        self.connected_at = None

        @self.pc.on("connectionstatechange")
        def on_state():
            if self.pc.connectionState == "connected" and self.connected_at is None:
                self.connected_at = time.monotonic()
                self.connected.set()

        @self.pc.on("track")
        def on_track(track):
            if track.kind == "audio":
                asyncio.ensure_future(self.collect(track))

    async def collect(self, track):
        while True:
            try:
                frame = await track.recv()
            except Exception:
                return
            pcm = array.array("h", bytes(frame.planes[0])[: frame.samples * 2 * len(frame.layout.channels)])
            channels = len(frame.layout.channels)
            self.samples.extend(pcm[::channels])
            self.frames += 1

    async def handle(self, request):
        op = request["op"]
        if op == "offer":
            await self.pc.setLocalDescription(await self.pc.createOffer())
            return {"sdp": self.pc.localDescription.sdp}
        if op == "answer":
            await self.pc.setRemoteDescription(RTCSessionDescription(sdp=request["sdp"], type="offer"))
            await self.pc.setLocalDescription(await self.pc.createAnswer())
            return {"sdp": self.pc.localDescription.sdp}
        if op == "accept":
            await self.pc.setRemoteDescription(RTCSessionDescription(sdp=request["sdp"], type="answer"))
            return {}
        if op == "connected":
            await asyncio.wait_for(self.connected.wait(), 20)
            return {"elapsed_ms": (self.connected_at - self.created) * 1000}
        if op == "frequency":
            seconds = float(request.get("seconds", 1.0))
            skip = SAMPLE_RATE // 5  # the decoder's first frames ramp up
            deadline = time.monotonic() + 20
            while len(self.samples) < skip + seconds * SAMPLE_RATE:
                if time.monotonic() > deadline:
                    return {"error": f"only {len(self.samples)} samples received", "frames": self.frames}
                await asyncio.sleep(0.05)
            window = self.samples[skip: skip + int(seconds * SAMPLE_RATE)]
            return {"frequency": dominant_frequency(window, SAMPLE_RATE), "frames": self.frames}
        if op == "close":
            await self.pc.close()
            return {}
        return {"error": f"unknown op {op}"}


async def serve():
    peer = Peer()
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while True:
        line = await reader.readline()
        if not line:
            break
        try:
            request = json.loads(line)
            reply = await peer.handle(request)
        except Exception as error:  # every request gets exactly one reply
            reply = {"error": f"{type(error).__name__}: {error}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()
        if request.get("op") == "close":
            break
    await peer.pc.close()


async def measure(rounds):
    times = []
    for _ in range(rounds):
        start = time.monotonic()
        a = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        b = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        a.addTrack(ToneTrack())
        b.addTrack(ToneTrack())
        done = asyncio.Event()

        def check():
            if a.connectionState == "connected" and b.connectionState == "connected":
                done.set()

        a.on("connectionstatechange", check)
        b.on("connectionstatechange", check)
        await a.setLocalDescription(await a.createOffer())
        await b.setRemoteDescription(a.localDescription)
        await b.setLocalDescription(await b.createAnswer())
        await a.setRemoteDescription(b.localDescription)
        await asyncio.wait_for(done.wait(), 20)
        times.append((time.monotonic() - start) * 1000)
        await a.close()
        await b.close()
    times.sort()
    print(json.dumps({"peer": "aiortc-aiortc", "rounds": rounds, "median_ms": times[len(times) // 2],
                      "min_ms": times[0], "max_ms": times[-1]}))


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--measure":
        asyncio.run(measure(int(sys.argv[2]) if len(sys.argv) > 2 else 10))
    else:
        asyncio.run(serve())
