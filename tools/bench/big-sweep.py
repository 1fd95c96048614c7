#!/usr/bin/env python3
"""A synthetic finished sweep of RUNS runs x ROWS evaluations each, in grokscope's layout (sweep.db with the store's
schema, runs/ID/{config,summary}.json and metrics.csv with the base and collapse columns plus two probe columns), for
timing the dashboard on the largest sweep its issue names (100 runs x 10,000 points). Curves are sigmoids whose
generalization step falls with the training-set size; nothing here is a measurement of training.

usage: big-sweep.py DIR [RUNS] [ROWS]"""
import json, math, os, random, sqlite3, sys

out = sys.argv[1]
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 100
rows = int(sys.argv[3]) if len(sys.argv) > 3 else 10000
sizes = [200 * 2 ** (i / 4) for i in range(runs // 5)]
os.makedirs(os.path.join(out, "runs"), exist_ok=True)
db = sqlite3.connect(os.path.join(out, "sweep.db"))
db.execute("PRAGMA journal_mode=WAL")
db.execute("CREATE TABLE sweep (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
db.execute("CREATE TABLE runs (id TEXT PRIMARY KEY, idx INTEGER NOT NULL, params TEXT NOT NULL, config TEXT NOT NULL, status TEXT NOT NULL, "
           "attempts INTEGER NOT NULL DEFAULT 0, error TEXT, summary TEXT, started TEXT, finished TEXT)")
db.execute("CREATE TABLE metrics (run_id TEXT NOT NULL, step INTEGER NOT NULL, lr REAL, train_loss REAL, train_acc REAL, test_loss REAL, "
           "test_acc REAL, reg_loss REAL, l2_norm REAL, linf_norm REAL, dist_from_init REAL, PRIMARY KEY (run_id, step))")
db.execute("CREATE TABLE probes (run_id TEXT NOT NULL, step INTEGER NOT NULL, name TEXT NOT NULL, value REAL, text TEXT, PRIMARY KEY (run_id, step, name))")
db.execute("INSERT INTO sweep VALUES ('definition', ?)", (json.dumps({"name": "big", "axes": {"task.train_count": [round(n) for n in sizes]}, "seeds": [0, 1, 2, 3, 4]}),))
rng = random.Random(0)
header = "step,lr,train_loss,train_acc,test_loss,test_acc,reg_loss,l2_norm,linf_norm,dist_from_init,zero_loss_share,zero_grad_share,softmax_one_share,ntk_rel,embed_gini\n"
for i in range(runs):
    n, seed = round(sizes[i // 5]), i % 5
    rid = "%04d" % i
    d = os.path.join(out, "runs", rid)
    os.makedirs(d, exist_ok=True)
    gen = 2e7 / n * (1 + 0.2 * rng.random())  # the step of the test-accuracy rise
    lines = [header]
    first = None
    for r in range(rows):
        s = r * 10
        te = 1 / (1 + math.exp(-(s - gen) / (0.1 * gen))) if s < 10 * gen else 1.0
        if first is None and te >= 0.99: first = s
        tr = min(1.0, 0.2 + s / 200)
        probe = r % 5 == 0
        lines.append("%d,0.001,%.6g,%.6g,%.6g,%.6g,0,%.6g,1,%.6g,0,0,0,%s,%s\n" % (s, 1 - tr + 1e-4, tr, 3 * (1 - te) + 0.01, te, 100 - 30 * te, 20 * te,
                     "%.5g" % (1 + te) if probe else "", "%.5g" % (0.1 + 0.8 * te) if probe else ""))
    open(os.path.join(d, "metrics.csv"), "w").writelines(lines)
    cfg = {"name": "big-n%d-s%d" % (n, seed), "seed": seed, "task": {"kind": "modular", "train_count": n}, "training": {"steps": rows * 10}}
    json.dump(cfg, open(os.path.join(d, "config.json"), "w"))
    summ = {"status": "completed", "steps": rows * 10, "train_size": n, "final_test_acc": te, "final_train_acc": tr, "memorization_step": 160,
            "generalization_step": first, "phase": "grokking" if first else "memorization", "wall_seconds": 60.0}
    json.dump(summ, open(os.path.join(d, "summary.json"), "w"))
    db.execute("INSERT INTO runs (id, idx, params, config, status, attempts, summary) VALUES (?, ?, ?, ?, 'COMPLETED', 1, ?)",
               (rid, i, json.dumps({"task.train_count": str(n), "seed": str(seed)}), json.dumps(cfg), json.dumps(summ)))
db.commit()
db.close()
print("%s: %d runs x %d rows" % (out, runs, rows))
