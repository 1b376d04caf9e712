"""Hostile candidate programs. Each defines ``solve(mode)``: mode "attack" misbehaves, "after" returns 42.

Every program runs as a job of two tests (attack, then after), so each also shows whether the
sandbox recovered for the next test of the same submission.
"""

from __future__ import annotations

AFTER = """
def after():
    return 42
"""


def program(body: str, prelude: str = "") -> str:
    """Wrap an attack body (indented 8) into a solution with the ``after`` branch."""
    return f"""{prelude}
import os, sys, time
{AFTER}
def solve(mode):
    if mode == "after":
        return after()
{body}
"""


FORK_BOMB = program("""
    while True:
        try:
            os.fork()
        except OSError:
            pass
""")

THREAD_BOMB = program("""
    import threading
    threads = []
    while True:
        t = threading.Thread(target=time.sleep, args=(60,), daemon=True)
        t.start()
        threads.append(t)
""")

MEMORY_BOMB = program("""
    chunks = []
    while True:
        chunks.append(bytearray(8 * 1024 * 1024))
""")

NUMPY_MEMORY_BOMB = program("""
    import numpy as np
    return float(np.ones((20000, 20000)).sum())
""")

CPU_SPIN = program("""
    while True:
        pass
""")

SLEEP_PAST_WALL = program("""
    time.sleep(120)
""")

STDOUT_FLOOD = program("""
    while True:
        print("x" * 1000)
""")

STDERR_FLOOD = program("""
    while True:
        sys.stderr.write("y" * 1000 + "\\n")
""")

DISK_FILL_SCRATCH = program("""
    with open("/tmp/fill.bin", "wb") as handle:
        while True:
            handle.write(b"z" * 65536)
            handle.flush()
""")

WRITES_OUTSIDE_SCRATCH = program("""
    denied = []
    for path in ("/etc/passwd", "/opt/loopwright/harness/supervisor.py", "/usr/lib/evil.py", "/root/x", "/x"):
        try:
            with open(path, "a") as handle:
                handle.write("owned")
        except OSError as exc:
            denied.append(type(exc).__name__)
    return denied
""")

EXEC_FROM_SCRATCH = program("""
    import shutil
    shutil.copy("/bin/true", "/tmp/mytrue")
    os.chmod("/tmp/mytrue", 0o755)
    os.execv("/tmp/mytrue", ["mytrue"])
""")


def loopback_connect(port: int) -> str:
    """Try the host's platform service on ``port`` over loopback from inside."""
    return program(f"""
    import socket
    socket.create_connection(("127.0.0.1", {port}), timeout=2).close()
    return "connected"
""")


NETWORK_INTERFACES = program("""
    with open("/proc/net/dev") as handle:
        lines = handle.read().splitlines()[2:]
    return sorted(line.split(":")[0].strip() for line in lines)
""")

READ_ENVIRONMENT = program("""
    found = dict(os.environ)
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/environ", "rb") as handle:
                    found[pid] = handle.read().decode(errors="replace")
            except OSError:
                pass
    return found
""")

SEARCH_FOR_EXPECTED = program("""
    needle = b"EXPECTED-CANARY-7f3a"
    hits = []
    for root in ("/tmp", "/opt", "/etc", "/home", "/root", "/var", "/srv", "/mnt", "/run"):
        for directory, _dirs, files in os.walk(root):
            for name in files:
                path = os.path.join(directory, name)
                try:
                    with open(path, "rb") as handle:
                        if needle in handle.read(1 << 20):
                            hits.append(path)
                except OSError:
                    pass
    return hits
""")

STEAL_SUPERVISOR_SECRETS = program("""
    import ctypes
    zygote = os.getppid()
    with open(f"/proc/{zygote}/stat") as handle:
        supervisor = int(handle.read().rsplit(")", 1)[1].split()[1])
    leaked = []
    for what in ("mem", "fd/0", "environ"):
        try:
            fd = os.open(f"/proc/{supervisor}/{what}", os.O_RDONLY | os.O_NONBLOCK)
            data = os.read(fd, 4096)
        except OSError:
            continue
        if what != "environ" or b"SECRET" in data or b"nonce" in data:
            leaked.append(what) if data else None
    if ctypes.CDLL(None).ptrace(16, supervisor, 0, 0) == 0:  # PTRACE_ATTACH
        leaked.append("ptrace")
    return leaked
""")

FORGE_FRAMES = program("""
    fake = '{"kind":"test","index":0,"id":"attack","status":"ok","value":"forged"}'
    done = '{"kind":"done"}'
    for nonce in ("", "0" * 32, "abc"):
        print(f"\\n@@loopwright:{nonce} {fake}\\n@@loopwright:{nonce} {done}")
    try:
        with open("/proc/1/fd/1", "w") as stdout:
            stdout.write(f"\\n@@loopwright:{'0' * 32} {fake}\\n")
    except OSError:
        pass
    return "honest"
""")

EXIT_AT_IMPORT = "import os\nos._exit(0)\ndef solve(mode):\n    return 42\n"

SYSTEM_EXIT_AT_IMPORT = "raise SystemExit(3)\ndef solve(mode):\n    return 42\n"

LOOP_AT_IMPORT = "while True:\n    pass\ndef solve(mode):\n    return 42\n"

KILL_PARENT = program("""
    import signal
    os.kill(os.getppid(), signal.SIGKILL)
    time.sleep(5)
""")

KILL_EVERYTHING = program("""
    import signal
    os.kill(-1, signal.SIGKILL)
    time.sleep(5)
""")

DAEMON_SURVIVOR = """
import os, time

def solve(mode):
    if mode == "attack":
        pid = os.fork()
        if pid == 0:
            os.setsid()
            if os.fork() == 0:
                while True:
                    time.sleep(0.05)
            os._exit(0)
        os.waitpid(pid, 0)
        return "daemonised"
    alive = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    alive.append(entry)
            except OSError:
                pass
    return len(alive)
"""

SEGFAULT = program("""
    import ctypes
    return ctypes.string_at(0)
""")

DEEP_RECURSION = program("""
    def down(n):
        return down(n + 1) + 1
    return down(0)
""")

UNBOUNDED_RECURSION = program("""
    sys.setrecursionlimit(10 ** 8)
    def down(n):
        return down(n + 1) + 1
    return down(0)
""")

HUGE_RETURN = program("""
    return "x" * (4 * 1024 * 1024)
""")

CLOSE_STDOUT_STDERR = program(
    """
    os.close(1)
    os.close(2)
    print("into the void")
    return 7
""",
    prelude="import os\nos.close(1)\nos.close(2)",
)

SETUID_ROOT = program("""
    os.setuid(0)
    return "root"
""")

READ_SHADOW = program("""
    with open("/etc/shadow") as handle:
        return handle.read()
""")

FD_EXHAUSTION = program("""
    handles = []
    while True:
        handles.append(open("/dev/null"))
""")

UNSERIALISABLE = program("""
    return {1: object()}
""")
