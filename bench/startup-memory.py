#!/usr/bin/env python3
# Exec to first 200 on /api/ping, and idle resident memory, of the headless runtime.
# Usage: bench/startup-memory.py BINARY BARE_SERVER [RUNS]
# The peer, measured in the same run the same way: the bare libsoup server of
# bench/bare-server.c (no database, no keyring, no routing table).
# Each run starts the binary on a free port with an existing data dir (created by a first,
# unmeasured start) and polls GET /api/ping over a fresh connection every 1 ms until it answers
# 200 (wall clock, and the runtime's own CPU time, which a loaded machine distorts less).
# Idle memory is VmRSS of a runtime that has served one /api/ping and one /api/v1/auth and
# then sat idle for 2 s.
import os, socket, statistics, subprocess, sys, tempfile, time

binary = sys.argv[1]
bare = sys.argv[2]
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 20


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path, headers=""):
    with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{headers}"
                  "Connection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return int(data.split(b" ", 2)[1])


def first_200(port, deadline=10.0):
    start = time.monotonic()
    while time.monotonic() - start < deadline:
        try:
            if get(port, "/api/ping") == 200:
                return
        except OSError:
            pass
        time.sleep(0.001)
    raise RuntimeError("no 200 within %.0f s" % deadline)


def start(data_dir, port):
    return subprocess.Popen([binary, "--data-dir", data_dir, "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


with tempfile.TemporaryDirectory() as data_dir:
    key = subprocess.run([binary, "keys", "--data-dir", data_dir, "create", "--name", "bench"],
                         capture_output=True, text=True, check=True).stdout.strip()
    times = []
    cpu = []
    tick_ms = 1000 / os.sysconf("SC_CLK_TCK")
    for _ in range(runs):
        port = free_port()
        t0 = time.monotonic()
        proc = start(data_dir, port)
        first_200(port)
        times.append((time.monotonic() - t0) * 1000)
        fields = open(f"/proc/{proc.pid}/stat").read().rsplit(")", 1)[1].split()
        cpu.append((int(fields[11]) + int(fields[12])) * tick_ms)
        proc.terminate()
        proc.wait()

    bare_times = []
    for _ in range(runs):
        port = free_port()
        t0 = time.monotonic()
        proc = subprocess.Popen([bare, str(port)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        first_200(port)
        bare_times.append((time.monotonic() - t0) * 1000)
        proc.terminate()
        proc.wait()

    port = free_port()
    proc = start(data_dir, port)
    first_200(port)
    assert get(port, "/api/v1/auth", f"Authorization: Bearer {key}\r\n") == 200
    time.sleep(2)
    status = dict(line.split(":", 1) for line in open(f"/proc/{proc.pid}/status"))
    proc.terminate()
    proc.wait()

times.sort()
print(f"CPU time (user + system) of the runtime up to its first 200: median "
      f"{statistics.median(cpu):.0f} ms, max {max(cpu):.0f} ms")
print(f"exec to first 200 on /api/ping over {runs} runs: median {statistics.median(times):.1f} ms, "
      f"p90 {times[int(len(times) * 0.9) - 1]:.1f} ms, max {times[-1]:.1f} ms")
print(f"peer, bare libsoup server, exec to first 200: median {statistics.median(bare_times):.1f} ms, "
      f"max {max(bare_times):.1f} ms")
print("idle resident memory: VmRSS %s (RssAnon %s, RssFile %s)" % (
    status["VmRSS"].strip(), status["RssAnon"].strip(), status["RssFile"].strip()))
