#!/usr/bin/env python3
"""Generates the usage benchmark input: ROWS usage rows (default 10 million) in the shapes
`agentgate fleet usage` reads (docs/usage.md), with made-up values:

  60 %  Claude Code OpenTelemetry `claude_code.api_request` events (OTLP JSON lines, as an
        OpenTelemetry Collector file exporter writes them; 100 records a line)
  20 %  Claude Code transcript assistant lines (every response written as two content-block
        lines, so half the lines are duplicates the reader must merge)
  20 %  Codex rollout `token_count` events (cumulative totals)

spread over 8 files, 200 repositories, 20 teams, 1000 users, 4 models and 4 weeks.
Deterministic (fixed seed).

    scripts/gen-usage.py DIR [ROWS]
"""
import json, os, random, sys

out, rows = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 10_000_000
os.makedirs(out, exist_ok=True)
rnd = random.Random(18)
models = ["claude-sonnet-5", "claude-opus-5", "claude-haiku-4-5", "claude-sonnet-5"]
week0 = 1754265600  # 2025-08-04T00:00:00Z, a Monday
span = 28 * 86400

def repo(i): return "repo-%03d" % (i % 200)
def team(i): return "team-%02d" % (i % 20)

otel_rows, tr_rows = rows * 6 // 10, rows * 2 // 10
cx_rows = rows - otel_rows - tr_rows
BATCH = 100
REC = ('{"timeUnixNano":"%d","observedTimeUnixNano":"%d","body":{"stringValue":"claude_code.api_request"},'
       '"attributes":[{"key":"event.name","value":{"stringValue":"api_request"}},'
       '{"key":"event.timestamp","value":{"stringValue":"2025-08-05T10:00:00.000Z"}},'
       '{"key":"event.sequence","value":{"intValue":"%d"}},'
       '{"key":"session.id","value":{"stringValue":"%s"}},'
       '{"key":"prompt.id","value":{"stringValue":"p-%d"}},'
       '{"key":"model","value":{"stringValue":"%s"}},'
       '{"key":"query_source","value":{"stringValue":"%s"}},'
       '{"key":"input_tokens","value":{"intValue":"%d"}},'
       '{"key":"output_tokens","value":{"intValue":"%d"}},'
       '{"key":"cache_read_tokens","value":{"intValue":"%d"}},'
       '{"key":"cache_creation_tokens","value":{"intValue":"%d"}},'
       '{"key":"cost_usd","value":{"doubleValue":%.6f}},'
       '{"key":"duration_ms","value":{"intValue":"%d"}},'
       '{"key":"speed","value":{"stringValue":"normal"}}]}')
RES = ('{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"claude-code"}},'
       '{"key":"service.version","value":{"stringValue":"2.1.220"}},'
       '{"key":"repo","value":{"stringValue":"%s"}},{"key":"team.id","value":{"stringValue":"%s"}},'
       '{"key":"user.email","value":{"stringValue":"user%d@example.com"}},'
       '{"key":"terminal.type","value":{"stringValue":"vscode"}}]},'
       '"scopeLogs":[{"scope":{"name":"com.anthropic.claude_code.events","version":"2.1.220"},"logRecords":[')
n = 0
for f in range(4):
    with open(os.path.join(out, "otel-logs-%d.jsonl" % f), "w") as fh:
        per = otel_rows // 4 + (otel_rows % 4 if f == 3 else 0)
        done = 0
        while done < per:
            k = min(BATCH, per - done)
            sess = n // 500
            u = sess % 1000
            t = week0 + (sess * 7919) % span
            recs = []
            for j in range(k):
                m = models[(n + j) % 4]
                q = "repl_main_thread" if (n + j) % 5 else "Explore"
                i, o, r, c = 3 + (n + j) % 50, 200 + (n + j) % 900, 20000 + (n + j) % 30000, (n + j) % 3000
                ns = (t + j) * 10**9
                recs.append(REC % (ns, ns, n + j, "s-%d" % sess, sess, m, q, i, o, r, c, (i + o * 5 + r * 0.1 + c * 1.25) * 3e-6, 1000 + j))
            fh.write(RES % (repo(sess), team(sess), u) + ",".join(recs) + "]}]}]}\n")
            done += k
            n += k

TL = ('{"parentUuid":"x","isSidechain":%s,"userType":"external","cwd":"/home/dev/src/%s","sessionId":"t-%d",'
      '"version":"2.1.220","gitBranch":"main","message":{"id":"msg_%d","type":"message","role":"assistant",'
      '"model":"%s","content":[{"type":"text","text":"Done."}],"stop_reason":null,"usage":{"input_tokens":%d,'
      '"cache_creation_input_tokens":%d,"cache_read_input_tokens":%d,"output_tokens":%d,"service_tier":"standard"}},'
      '"requestId":"req_%d","type":"assistant","uuid":"u-%d-%d","timestamp":"%s"}\n')
def iso(t):
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(t))
for f in range(2):
    with open(os.path.join(out, "transcript-%d.jsonl" % f), "w") as fh:
        per = tr_rows // 2
        for k in range(per):
            msg = f * per + k
            sess = msg // 100
            t = week0 + (sess * 104729) % span
            ts = iso(t + k % 100)
            args = ("true" if msg % 7 == 0 else "false", repo(sess + 7), sess, msg, models[msg % 4],
                    5 + msg % 20, msg % 4000, 30000 + msg % 20000)
            # Two content-block lines per response, the second with the final output count.
            fh.write(TL % (args + (100, msg, msg, 1, ts)))
            fh.write(TL % (args + (300 + msg % 500, msg, msg, 2, ts)))

for f in range(2):
    with open(os.path.join(out, "codex-%d.jsonl" % f), "w") as fh:
        per = cx_rows // 2 + (cx_rows % 2 if f == 1 else 0)
        tot = [0, 0, 0]
        for k in range(per):
            if k % 200 == 0:
                sid = "c-%d-%d" % (f, k // 200)
                t = week0 + (k * 7) % span
                tot = [0, 0, 0]
                fh.write(json.dumps({"timestamp": iso(t), "type": "session_meta", "payload": {"id": sid, "timestamp": iso(t), "cwd": "/home/dev/" + repo(k // 200 + 3), "originator": "codex_cli_rs", "cli_version": "0.50.0", "git": {"repository_url": "git@github.com:example/%s.git" % repo(k // 200 + 3)}}}) + "\n")
                fh.write(json.dumps({"timestamp": iso(t), "type": "turn_context", "payload": {"model": "gpt-5-codex", "cwd": "/home/dev/x"}}) + "\n")
            tot[0] += 5000 + k % 3000; tot[1] += 4000 + k % 2000; tot[2] += 300 + k % 400
            fh.write('{"timestamp":"%s","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":%d,"cached_input_tokens":%d,"output_tokens":%d,"reasoning_output_tokens":0,"total_tokens":%d},"last_token_usage":{"input_tokens":0,"cached_input_tokens":0,"output_tokens":0,"reasoning_output_tokens":0,"total_tokens":0},"model_context_window":272000},"rate_limits":null}}\n'
                     % (iso(t + k % 200), tot[0], tot[1], tot[2], tot[0] + tot[2]))
print("%d rows: %d OTel events, %d transcript responses (%d lines), %d Codex counts" % (rows, otel_rows, tr_rows, 2 * tr_rows, cx_rows))
