"""The aiortc anchor of `variance-bench calls`: two aiortc 1.16.0 peer connections on
loopback in this process, an audio call carrying a 440 Hz tone (Opus), measured the way the
bench measures ours. Prints one JSON object:

  setupMs        createOffer on the caller to both peers "connected" (ICE + DTLS)
  firstAudioMs   "connected" to the first decoded audio frame at the callee
  cpuPercent     process CPU over `--seconds` of the call, per peer, in % of one core

Usage: calls_anchor.py [--rounds 5] [--seconds 5]   (medians over the rounds)
"""
import argparse
import asyncio
import fractions
import json
import math
import statistics
import time

import aioice.ice
from aiortc import RTCConfiguration, RTCPeerConnection, MediaStreamTrack
from av import AudioFrame

# Offline and on loopback: no public STUN server, and aioice must use 127.0.0.1.
aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]


class Tone(MediaStreamTrack):
    kind = "audio"

    def __init__(self, hz=440.0, rate=48000, samples=960):
        super().__init__()
        self.hz, self.rate, self.samples, self.sent = hz, rate, samples, 0
        self.start = None

    async def recv(self):
        if self.start is None:
            self.start = time.monotonic()
        due = self.start + self.sent / self.rate
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        frame = AudioFrame(format="s16", layout="mono", samples=self.samples)
        values = [int(12000 * math.sin(2 * math.pi * self.hz * (self.sent + i) / self.rate)) for i in range(self.samples)]
        frame.planes[0].update(b"".join(v.to_bytes(2, "little", signed=True) for v in values))
        frame.pts, frame.sample_rate, frame.time_base = self.sent, self.rate, fractions.Fraction(1, self.rate)
        self.sent += self.samples
        return frame


async def one_call(seconds):
    caller = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    callee = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    connected = {}
    first_audio = asyncio.get_running_loop().create_future()

    def watch(name, pc):
        @pc.on("connectionstatechange")
        def _():
            if pc.connectionState == "connected" and name not in connected:
                connected[name] = time.monotonic()

    watch("caller", caller)
    watch("callee", callee)

    @callee.on("track")
    def on_track(track):
        async def read():
            await track.recv()
            if not first_audio.done():
                first_audio.set_result(time.monotonic())
            while True:
                try:
                    await track.recv()
                except Exception:
                    return
        asyncio.ensure_future(read())

    caller.addTrack(Tone())
    callee.addTrack(Tone(660))
    start = time.monotonic()
    await caller.setLocalDescription(await caller.createOffer())
    await callee.setRemoteDescription(caller.localDescription)
    await callee.setLocalDescription(await callee.createAnswer())
    await caller.setRemoteDescription(callee.localDescription)
    while len(connected) < 2:
        await asyncio.sleep(0.001)
    both = max(connected.values())
    heard = await asyncio.wait_for(first_audio, 30)
    cpu0, wall0 = time.process_time(), time.monotonic()
    await asyncio.sleep(seconds)
    cpu = (time.process_time() - cpu0) / (time.monotonic() - wall0) / 2 * 100
    await caller.close()
    await callee.close()
    return (both - start) * 1000, max(0.0, heard - both) * 1000, cpu


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=5)
    args = parser.parse_args()
    results = [await one_call(args.seconds) for _ in range(args.rounds)]
    print(json.dumps({
        "setupMs": statistics.median(r[0] for r in results),
        "firstAudioMs": statistics.median(r[1] for r in results),
        "cpuPercent": statistics.median(r[2] for r in results),
        "samples": [list(r) for r in results],
    }))


asyncio.run(main())
