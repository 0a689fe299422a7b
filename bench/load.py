#!/usr/bin/env python3
# Load runs against the headless runtime (never part of meson test):
#   slowloris: CONNS connections that send a partial request and then one header line every
#              2 s, never finishing; /api/ping is timed meanwhile and after.
#   flood:     the runtime runs with a descriptor limit of 1024 (prlimit); CONNS idle
#              connections are opened and held; /api/ping is timed meanwhile, then all are
#              closed and the time to the next 200 is measured, then /api/ping again.
# Usage: bench/load.py BINARY slowloris|flood [CONNS] [SECONDS]
import asyncio, os, resource, socket, statistics, subprocess, sys, tempfile, time

binary, mode = sys.argv[1], sys.argv[2]
conns = int(sys.argv[3]) if len(sys.argv) > 3 else (2000 if mode == "slowloris" else 5000)
seconds = float(sys.argv[4]) if len(sys.argv) > 4 else 25.0

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


async def connect(port):
    """A connected socket, without asyncio's getaddrinfo (a thread pool that a flood clogs)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setblocking(False)
    try:
        await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
    except BaseException:
        sock.close()
        raise
    return sock


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def ping(port, timeout=30.0):
    """One GET /api/ping on a new connection; returns (ms, status) or (ms, None) on failure."""
    t0 = time.monotonic()
    try:
        sock = await asyncio.wait_for(connect(port), timeout)
        reader, writer = await asyncio.open_connection(sock=sock)
        writer.write(f"GET /api/ping HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                     "Connection: close\r\n\r\n".encode())
        data = await asyncio.wait_for(reader.read(), timeout)
        writer.close()
        status = int(data.split(b" ", 2)[1]) if data else None
    except (OSError, asyncio.TimeoutError, IndexError, ValueError):
        status = None
    return (time.monotonic() - t0) * 1000, status


async def pinger(port, stop, results, interval=0.05):
    while not stop.is_set():
        results.append(await ping(port))
        await asyncio.sleep(interval)


def summary(label, results):
    ok = sorted(ms for ms, status in results if status == 200)
    failed = sum(1 for _, status in results if status != 200)
    if not ok:
        print(f"{label}: {len(results)} pings, none answered 200")
        return
    p99 = ok[min(len(ok) - 1, int(len(ok) * 0.99))]
    print(f"{label}: {len(results)} pings, {failed} failed; "
          f"p50 {statistics.median(ok):.2f} ms, p99 {p99:.2f} ms, max {ok[-1]:.2f} ms")


async def slow_client(port, start, closed_after):
    try:
        reader, writer = await asyncio.open_connection(sock=await connect(port))
    except OSError:
        return
    opened = time.monotonic()
    writer.write(f"GET /api/ping HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n".encode())
    try:
        while time.monotonic() - start < 3600:
            writer.write(b"X-Slow: 1\r\n")
            await writer.drain()
            try:
                data = await asyncio.wait_for(reader.read(1024), 2.0)
                if not data:
                    break
            except asyncio.TimeoutError:
                continue
    except (OSError, ConnectionError):
        pass
    closed_after.append(time.monotonic() - opened)
    writer.close()


async def run_slowloris(port):
    start = time.monotonic()
    closed_after = []
    stop = asyncio.Event()
    during = []
    attack = [asyncio.create_task(slow_client(port, start, closed_after)) for _ in range(conns)]
    await asyncio.sleep(1)
    pings = asyncio.create_task(pinger(port, stop, during))
    await asyncio.sleep(seconds)
    stop.set()
    await pings
    still_open = conns - len(closed_after)
    for task in attack:
        task.cancel()
    await asyncio.gather(*attack, return_exceptions=True)
    after = []
    stop = asyncio.Event()
    pings = asyncio.create_task(pinger(port, stop, after))
    await asyncio.sleep(5)
    stop.set()
    await pings
    closed_after.sort()
    print(f"slowloris: {conns} connections trickling headers for {seconds:.0f} s")
    if closed_after:
        print(f"  closed by the server: {len(closed_after)}; after a median "
              f"{statistics.median(closed_after):.1f} s, at most {closed_after[-1]:.1f} s; "
              f"still open at the end: {still_open}")
    summary("  /api/ping during", during)
    summary("  /api/ping after", after)


async def run_flood(port):
    held = []
    failed = 0

    async def connect_one():
        nonlocal failed
        try:
            held.append(await asyncio.wait_for(connect(port), 5))
        except (OSError, asyncio.TimeoutError) as error:
            failed += 1
            errors[type(error).__name__ + ": " + str(error)[:60]] = \
                errors.get(type(error).__name__ + ": " + str(error)[:60], 0) + 1

    errors = {}
    stop = asyncio.Event()
    during = []
    pings = asyncio.create_task(pinger(port, stop, during))
    t0 = time.monotonic()
    await asyncio.gather(*(connect_one() for _ in range(conns)))
    opened = time.monotonic() - t0
    await asyncio.sleep(max(0, seconds - opened))
    stop.set()
    await pings
    for sock in held:
        sock.close()
    t_close = time.monotonic()
    while True:
        ms, status = await ping(port, timeout=5)
        if status == 200:
            break
    back_ms = (time.monotonic() - t_close) * 1000
    after = []
    stop = asyncio.Event()
    pings = asyncio.create_task(pinger(port, stop, after))
    await asyncio.sleep(5)
    stop.set()
    await pings
    print(f"flood: {conns} connections against a runtime limited to 1024 descriptors; "
          f"{len(held)} connected, {failed} failed or timed out (5 s)")
    for error, count in sorted(errors.items(), key=lambda e: -e[1])[:3]:
        print(f"  client errors: {count} × {error}")
    summary("  /api/ping during", during)
    print(f"  first 200 after the flood closed: {back_ms:.1f} ms")
    summary("  /api/ping after", after)


def main():
    port = free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        cmd = [binary, "--data-dir", data_dir, "--port", str(port)]
        if mode == "flood":
            cmd = ["prlimit", "--nofile=1024:1024", "--"] + cmd
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(600):
                if asyncio.run(ping(port, timeout=1))[1] == 200:
                    break
                time.sleep(0.05)
            else:
                raise RuntimeError("the runtime did not answer /api/ping")
            asyncio.run(run_slowloris(port) if mode == "slowloris" else run_flood(port))
            rss = [l for l in open(f"/proc/{proc.pid}/status") if l.startswith("VmHWM")]
            print(f"  runtime peak RSS: {rss[0].split(':')[1].strip()}")
        finally:
            proc.terminate()
            proc.wait()


main()
