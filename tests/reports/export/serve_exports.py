"""Serves an export with the real viewer on 127.0.0.1 and fetches its data API, writing the answers as
JSON (the C++ test asserts): `tensorboard DIR` starts TensorBoard on the folder and asks its HParams
plugin for the experiment and the session groups (polling until the sessions are loaded);
`optuna FILE` starts optuna-dashboard on the journal and asks for its studies and the first one.
Only reads; the server is stopped before it returns.

  python serve_exports.py DIR OUT.json tensorboard SESSIONS   (waits until it has SESSIONS sessions)
  python serve_exports.py FILE OUT.json optuna
"""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

BIN = os.path.dirname(sys.executable)
TIMEOUT_S = 90


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


def poll(fetch, ready):
    """fetch() until ready(answer), or the last answer (or error) at the timeout."""
    deadline, answer = time.time() + TIMEOUT_S, None
    while time.time() < deadline:
        try:
            answer = fetch()
            if ready(answer):
                return answer
        except OSError as e:
            answer = {"error": str(e)}
        time.sleep(0.5)
    return answer


def tensorboard(path, port, sessions):
    server = [os.path.join(BIN, "tensorboard"), "--logdir", path, "--host", "127.0.0.1", "--port", str(port),
              "--load_fast", "false", "--reload_interval", "1"]
    url = f"http://127.0.0.1:{port}/data/plugin/hparams/"

    def ask(route, request):
        return get(url + route + "?request=" + urllib.parse.quote(json.dumps(request)))

    statuses = ["STATUS_UNKNOWN", "STATUS_SUCCESS", "STATUS_FAILURE", "STATUS_RUNNING"]
    groups_request = {"experimentName": "", "allowedStatuses": statuses, "colParams": [], "startIndex": 0,
                      "sliceSize": 100, "includeMetrics": True}
    return server, lambda: {
        "session_groups": poll(lambda: ask("session_groups", groups_request),
                               lambda a: a.get("totalSize", 0) >= sessions),
        "experiment": ask("experiment", {"experimentName": "", "includeMetrics": True}),
    }


def optuna(path, port):
    server = [os.path.join(BIN, "optuna-dashboard"), path, "--host", "127.0.0.1", "--port", str(port)]
    url = f"http://127.0.0.1:{port}/api/"
    return server, lambda: {
        "studies": poll(lambda: get(url + "studies"), lambda a: "study_summaries" in a),
        "study": get(url + "studies/0"),
    }


def main():
    path, out, tool = sys.argv[1:4]
    if tool == "tensorboard":
        command, fetch = tensorboard(path, free_port(), int(sys.argv[4]))
    else:
        command, fetch = optuna(path, free_port())
    log = open(out + ".server.log", "w")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        answer = fetch()
    finally:
        server.terminate()
        server.wait(timeout=30)
    with open(out, "w") as f:
        json.dump(answer, f, indent=1)


main()
