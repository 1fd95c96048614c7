#!/usr/bin/env python3
"""The dashboard under many and hostile clients, timed from outside with real sockets.

Starts LAUNCHER serve on a tree of RUNS synthetic finished runs (config, summary, a 50-row metrics.csv each), then:
  quiet     /api/home timed REPEAT times with nothing else connected;
  hostile   the same while STREAMS event streams are open (one home page each), SLOW clients are stuck half-way
            through their request head and 20 more sit connected and silent;
  idle-cpu  the server's CPU time over 20 s with one home page open on the tree (the cost of watching it).
Writes the raw figures as JSON to OUT (and prints them). Nothing here trains; it measures the server only.

usage: hostile-clients.py LAUNCHER OUT [RUNS] [STREAMS] [SLOW]"""
import json, os, socket, statistics, subprocess, sys, tempfile, time

launcher, out = sys.argv[1], sys.argv[2]
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3000
n_streams = int(sys.argv[4]) if len(sys.argv) > 4 else 200
n_slow = int(sys.argv[5]) if len(sys.argv) > 5 else 100
REPEAT, TIMEOUT = 10, 30.0

root = tempfile.mkdtemp(prefix="hostile-")
header = "step,lr,train_loss,train_acc,test_loss,test_acc,reg_loss,l2_norm,linf_norm,dist_from_init,zero_loss_share,zero_grad_share,softmax_one_share\n"
for i in range(runs):
    d = os.path.join(root, "runs", "r%05d" % i)
    os.makedirs(d)
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump({"name": "r%05d" % i, "training": {"steps": 500}}, f)
    with open(os.path.join(d, "summary.json"), "w") as f:
        json.dump({"status": "completed", "steps": 500, "final_test_acc": 0.5, "generalization_step": None}, f)
    with open(os.path.join(d, "metrics.csv"), "w") as f:
        f.write(header + "".join("%d,0.001,0.1,1,2,0.5,0,10,1,0.5,0,0,0\n" % (s * 10) for s in range(50)))

server = subprocess.Popen([launcher, "serve", "--port", "0", os.path.join(root, "runs")], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
port = None
for line in server.stdout:
    if "http://127.0.0.1:" in line:
        port = int(line.split("http://127.0.0.1:")[1].split("/")[0])
        break
assert port, "the server printed no URL"


def request(path, timeout=TIMEOUT):
    """One GET on a fresh connection: (seconds, status, body) or (None, None, why) past the timeout."""
    t0 = time.perf_counter()
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        s.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" % path).encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        s.close()
    except OSError as e:
        return None, None, str(e)
    head, _, body = data.partition(b"\r\n\r\n")
    return time.perf_counter() - t0, int(head.split()[1]) if head else None, body


def timed(label):
    times, codes = [], []
    for _ in range(REPEAT):
        t, code, _ = request("/api/home")
        times.append(t)
        codes.append(code)
    ok = [t for t in times if t is not None]
    return {"phase": label, "replies": len(ok), "of": REPEAT, "codes": codes,
            "median_s": statistics.median(ok) if ok else None, "max_s": max(ok) if ok else None}


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


result = {"launcher": launcher, "runs": runs, "streams": n_streams, "slow_clients": n_slow, "silent_clients": 20,
          "first_home_s": request("/api/home")[0]}
result["quiet"] = timed("quiet")

held, opened = [], 0
for i in range(n_streams):
    t, code, body = request("/api/home", timeout=5)
    if code != 200:
        break
    watch = json.loads(body)["watch"]
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(("GET /api/events?watch=%s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" % watch).encode())
    try:
        if s.recv(4096).startswith(b"HTTP/1.1 200"):
            opened += 1
    except OSError:
        pass
    held.append(s)
for i in range(n_slow):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(b"GET /api/home HTTP/1.1\r\nHost: 127")
    held.append(s)
for i in range(20):
    held.append(socket.create_connection(("127.0.0.1", port), timeout=5))
result["streams_opened"] = opened
result["hostile"] = timed("hostile")
for s in held:
    s.close()

# one home page watching the tree: the server's CPU over 20 s
t, code, body = request("/api/home")
page = socket.create_connection(("127.0.0.1", port), timeout=5)
page.sendall(("GET /api/events?watch=%s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" % json.loads(body)["watch"]).encode())
time.sleep(3)
c0, w0 = cpu_seconds(server.pid), time.time()
time.sleep(20)
result["idle_home_page_cpu_share"] = (cpu_seconds(server.pid) - c0) / (time.time() - w0)
page.close()

server.terminate()
server.wait()
subprocess.run(["rm", "-rf", root])
os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
with open(out, "w") as f:
    json.dump(result, f, indent=2)
print(json.dumps(result, indent=2))
