"""The Python side of `cargo xtask bench --python`: each workload written as idiomatic asyncio.

Run one workload per process, on plain asyncio or on uvloop; it prints one JSON line:

    python workloads.py WORKLOAD asyncio|uvloop KEY=VALUE...

The Rust mirrors are in `bench/rust/src/` (same workload names, same parameters, same
checksums); `xtask/src/bench.rs` runs both and builds the table. Every workload reports a
witness (the concurrency it reached) and a checksum that does not depend on the order the
tasks ran in, so all variants of a workload must print the same checksum.
"""

import asyncio
import json
import math
import os
import resource
import sys

MASK = (1 << 64) - 1


def value(i):
    """Knuth's multiplicative hash: the value item `i` stands for (Rust: `value`)."""
    return (i * 2654435761) & 0xFFFFFFFF


def splitmix64(i):
    """SplitMix64's output function: leaf `i`'s "random" number (Rust: `splitmix64`)."""
    z = (i + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


class Peak:
    """Things in progress now, and the most there ever were at once."""

    def __init__(self):
        self.now = 0
        self.peak = 0

    def enter(self):
        self.now += 1
        if self.now > self.peak:
            self.peak = self.now

    def leave(self):
        self.now -= 1


class Gate:
    """A start line: tasks arrive and wait; `open_when(n)` lets them go once n are waiting."""

    def __init__(self):
        self.event = asyncio.Event()
        self.waiting = Peak()

    async def arrive(self):
        self.waiting.enter()
        await self.event.wait()
        self.waiting.leave()

    async def open_when(self, count):
        while self.waiting.now < count:
            await asyncio.sleep(0)
        self.event.set()


def vm_rss_kib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


# W1: gather over n tasks, each sleeping ms. Witness: the most asleep at once.
async def w1(p):
    asleep = Peak()

    async def sleeper(i):
        asleep.enter()
        await asyncio.sleep(p["ms"] / 1000)
        asleep.leave()
        return value(i)

    results = await asyncio.gather(*(sleeper(i) for i in range(p["n"])))
    return {"witness": asleep.peak, "checksum": sum(results) & MASK}


# W2: bounded fan-out with a semaphore. Witness: the most items in flight at once.
async def w2(p):
    in_flight = Peak()
    limit = asyncio.Semaphore(p["limit"])

    async def item(i):
        async with limit:
            in_flight.enter()
            await asyncio.sleep(p["ms"] / 1000)
            in_flight.leave()
            return value(i)

    results = await asyncio.gather(*(item(i) for i in range(p["n"])))
    return {"witness": in_flight.peak, "checksum": sum(results) & MASK}


def ranges(n, parts):
    per = n // parts
    return [range(k * per, n if k + 1 == parts else (k + 1) * per) for k in range(parts)]


# W3, W4: an asyncio.Queue between producers and consumers (a None per consumer ends it).
# Witness: the tasks waiting at the start gate at once.
async def queue(p):
    q = asyncio.Queue(maxsize=p["capacity"])
    gate = Gate()

    async def producer(items):
        await gate.arrive()
        for i in items:
            await q.put(i)

    async def consumer():
        await gate.arrive()
        total = 0
        while (i := await q.get()) is not None:
            total += i
        return total

    producers = [asyncio.create_task(producer(r)) for r in ranges(p["n"], p["producers"])]
    consumers = [asyncio.create_task(consumer()) for _ in range(p["consumers"])]
    await gate.open_when(p["producers"] + p["consumers"])
    await asyncio.gather(*producers)
    for _ in consumers:
        await q.put(None)
    sums = await asyncio.gather(*consumers)
    return {"witness": gate.waiting.peak, "checksum": sum(sums) & MASK}


# W5: an asyncio.Lock around a shared counter. Witness: the tasks waiting at the start gate.
async def w5(p):
    lock = asyncio.Lock()
    gate = Gate()
    counter = 0

    async def worker():
        nonlocal counter
        await gate.arrive()
        for _ in range(p["increments"]):
            async with lock:
                counter += 1

    tasks = [asyncio.create_task(worker()) for _ in range(p["tasks"])]
    await gate.open_when(p["tasks"])
    await asyncio.gather(*tasks)
    return {"witness": gate.waiting.peak, "checksum": counter}


# W6: asyncio.timeout around a ready coroutine, n times. Witness: operations in time.
async def w6(p):
    async def operation(i):
        return value(i)

    in_time = 0
    total = 0
    for i in range(p["n"]):
        try:
            async with asyncio.timeout(1.0):
                v = await operation(i)
        except TimeoutError:
            continue
        in_time += 1
        total += v
    return {"witness": in_time, "checksum": total & MASK}


# W7: n GETs with aiohttp, `concurrency` at once (a semaphore), against the driver's server.
async def w7(p):
    import aiohttp

    in_flight = Peak()
    limit = asyncio.Semaphore(p["concurrency"])
    base = f"http://127.0.0.1:{p['port']}/"
    connector = aiohttp.TCPConnector(limit=p["concurrency"])
    async with aiohttp.ClientSession(connector=connector) as session:

        async def get(i):
            async with limit:
                in_flight.enter()
                async with session.get(f"{base}{i}") as response:
                    body = await response.read()
                in_flight.leave()
                return int(body)

        results = await asyncio.gather(*(get(i) for i in range(p["n"])))
    return {"witness": in_flight.peak, "checksum": sum(results) & MASK}


# W8: n tasks parked on one asyncio.Event. Witness: the most parked at once; also the
# resident bytes per parked task.
async def w8(p):
    n = p["n"]
    parked = Peak()
    event = asyncio.Event()

    async def waiter(i):
        parked.enter()
        await event.wait()
        parked.leave()
        return value(i)

    before = vm_rss_kib()
    tasks = [asyncio.create_task(waiter(i)) for i in range(n)]
    while parked.now < n:
        await asyncio.sleep(0)
    per_task = (vm_rss_kib() - before) * 1024 // max(n, 1)
    event.set()
    results = await asyncio.gather(*tasks)
    return {"witness": parked.peak, "checksum": sum(results) & MASK, "per_task_bytes": per_task}


# pyperformance's async_tree, ported (see bench/rust/src/tree.rs for the rules): gather over a
# tree of `levels` levels and `branches` branches; leaf i's random number is splitmix64(i).
P61 = (1 << 61) - 1


async def tree(p, kind):
    branches = p["branches"]
    pause = p["ms"] / 1000
    state = {"sum": 0, "leaves": 0, "sleeps": 0}
    asleep = Peak()
    cache = set()

    async def io():
        state["sleeps"] += 1
        asleep.enter()
        await asyncio.sleep(pause)
        asleep.leave()

    async def memo(data):
        if data <= 90:
            if data in cache:
                state["sum"] += data
                return
            cache.add(data)
        await io()
        state["sum"] += data

    async def leaf(index):
        state["leaves"] += 1
        if kind == "none":
            state["sum"] += value(index)
        elif kind == "io":
            await io()
            state["sum"] += value(index)
        elif kind == "memo":
            await memo(1 + splitmix64(index) % 100)
        else:
            r = splitmix64(index)
            if (r >> 32) & 1 == 0:
                state["sum"] += math.factorial(500) % P61
            else:
                await memo(1 + r % 100)

    async def node(level, index):
        if level == 0:
            await leaf(index)
        else:
            await asyncio.gather(*(node(level - 1, index * branches + b) for b in range(branches)))

    await node(p["levels"], 0)
    checksum = (state["sum"] + state["sleeps"] * 1_000_003) & MASK
    out = {"checksum": checksum}
    out["witness"] = state["leaves"] if kind == "none" else asleep.peak
    if kind in ("memo", "mixed"):
        out["expected_witness"] = state["sleeps"]
    return out


# pyperformance's asyncio_tcp: a server writes `chunks` chunks of `chunk_kib` KiB (draining
# after each) to one loopback connection; the client reads to the end, 256 KiB at a time.
async def tcp(p):
    data = b"x" * (p["chunk_kib"] * 1024)
    written = 0

    async def handle(reader, writer):
        nonlocal written
        for _ in range(p["chunks"]):
            writer.write(data)
            await writer.drain()
            written += 1
        writer.close()
        await writer.wait_closed()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        received = 0
        while piece := await reader.read(256 * 1024):
            received += len(piece)
        writer.close()
        await writer.wait_closed()
    return {"witness": written, "checksum": received}


WORKLOADS = {
    "W1": w1,
    "W2": w2,
    "W3": queue,
    "W4": queue,
    "W5": w5,
    "W6": w6,
    "W7": w7,
    "W8": w8,
    "tree-none": lambda p: tree(p, "none"),
    "tree-io": lambda p: tree(p, "io"),
    "tree-memo": lambda p: tree(p, "memo"),
    "tree-mixed": lambda p: tree(p, "mixed"),
    "tcp": tcp,
}


def main(argv):
    if len(argv) < 2 or argv[0] not in WORKLOADS or argv[1] not in ("asyncio", "uvloop"):
        sys.exit(f"usage: workloads.py {{{','.join(WORKLOADS)}}} asyncio|uvloop KEY=VALUE...")
    workload, loop = argv[0], argv[1]
    params = {key: int(v) for key, v in (arg.split("=", 1) for arg in argv[2:])}
    coroutine = WORKLOADS[workload](params)
    if loop == "uvloop":
        import uvloop

        outcome = uvloop.run(coroutine)
    else:
        outcome = asyncio.run(coroutine)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    line = {"workload": workload, "variant": loop, "flavor": loop}
    line.update(outcome)
    line["cpu_s"] = round(usage.ru_utime + usage.ru_stime, 3)
    line["peak_rss_kib"] = usage.ru_maxrss  # KiB on Linux
    print(json.dumps(line, separators=(",", ":")))


if __name__ == "__main__":
    main(sys.argv[1:])
