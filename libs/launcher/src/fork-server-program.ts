/**
 * The Python side of PythonForkServer, run as `python -c FORK_SERVER_PROGRAM <module> <attr>`
 * with the connector's own virtualenv interpreter. It imports the connector's console-script
 * entry point once (for a CDK connector that is nearly all of its start-up: ~2 s), then forks a
 * child per command; the child calls the entry point as the console script would, with the
 * command's argv, cwd, environment and stdio. The connector's code is unchanged.
 *
 * Protocol: commands arrive on stdin as JSON lines {"id", "argv", "cwd", "env", "stdio"}; the
 * child connects to the Unix sockets <stdio>/in.sock and err.sock for its fds 0 and 2. Its fd 1
 * is a connection the worker makes to <stdio>/out.sock, where the server listens before the
 * fork: the worker, as the connecting side, reads the output into buffers of its own
 * (StdoutReader). The server keeps the listener until the child ends, then closes a connection
 * the child never took: the worker sees the end of the output, as with a pipe.
 * Reports go to stdout as JSON lines: {"ready": true} once imported (or {"failed": why}, then
 * exit 1), {"id", "pid"} after each fork (out.sock is there from then on), {"id", "code"} or
 * {"id", "signal"} when that child ends ({"id", "code": 1, "error"} for a command it could not
 * fork). The server exits once stdin is closed and its children have ended.
 */
export const FORK_SERVER_PROGRAM = String.raw`
import importlib, json, os, selectors, signal, socket, sys, threading

# reports go to the original stdout; whatever the connector prints while it is imported goes to stderr
PROTOCOL = os.dup(1)
os.dup2(2, 1)

def report(message):
    data = (json.dumps(message) + "\n").encode()
    while data:
        data = data[os.write(PROTOCOL, data):]

# a child whose worker never connects to its stdout gives up after this long
STDOUT_ACCEPT_TIMEOUT_S = 60

def stdout_listener(command):
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(os.path.join(command["stdio"], "out.sock"))
        listener.listen(1)
    except OSError:
        listener.close()
        raise
    return listener

def release(listener):
    # a connection the child never took is closed: its reader sees the end of the output
    listener.setblocking(False)
    try:
        listener.accept()[0].close()
    except OSError:
        pass
    listener.close()

def die_with_parent():
    # PR_SET_PDEATHSIG: a child outlives neither this server nor, through it, the worker
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
    except Exception:
        pass

def lower_priority(nice):
    # as lowerCpuPriority does for a spawned connector: the session's nice, then the process's
    try:
        with open("/proc/self/autogroup", "w") as f:
            f.write(str(nice))
    except OSError:
        pass
    try:
        os.setpriority(os.PRIO_PROCESS, 0, nice)
    except OSError:
        pass

def run_child(entry, command, server_pid, listener):
    # a session of its own, as a spawned connector has: its own process group to signal, and
    # its own scheduling group where autogroups are on (not one shared by every child)
    os.setsid()
    if command.get("nice"):
        lower_priority(command["nice"])
    die_with_parent()
    if os.getppid() != server_pid:
        os._exit(1)
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    for fd, name in ((0, "in"), (2, "err")):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(os.path.join(command["stdio"], name + ".sock"))
        os.dup2(s.fileno(), fd)
        s.close()
    listener.settimeout(STDOUT_ACCEPT_TIMEOUT_S)
    try:
        out = listener.accept()[0]
    except socket.timeout:
        os._exit(1)
    listener.close()
    os.set_blocking(out.fileno(), True)
    os.dup2(out.fileno(), 1)
    out.close()
    os.chdir(command["cwd"])
    os.environ.update(command["env"])
    sys.argv = [command["script"]] + command["argv"]
    # as the console script does: its return value is the exit status
    sys.exit(entry())

def main():
    module_name, attr = sys.argv[1], sys.argv[2]
    if sys.version_info < (3, 9):
        report({"failed": "Python %d.%d is older than 3.9" % sys.version_info[:2]})
        return 1
    try:
        entry = getattr(importlib.import_module(module_name), attr)
    except BaseException as error:
        report({"failed": "importing %s.%s failed: %s: %s" % (module_name, attr, type(error).__name__, error)})
        return 1
    if threading.active_count() > 1:
        report({"failed": "importing %s started threads: forking it is not safe" % module_name})
        return 1
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    server_pid = os.getpid()
    selector = selectors.DefaultSelector()
    selector.register(0, selectors.EVENT_READ)
    selector.register(wake_r, selectors.EVENT_READ)
    report({"ready": True})
    children = {}
    pending = b""
    open_input = True
    while open_input or children:
        for key, _ in selector.select():
            if key.fd == wake_r:
                os.read(wake_r, 4096)
                continue
            chunk = os.read(0, 65536)
            if not chunk:
                open_input = False
                selector.unregister(0)
                continue
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                command = json.loads(line)
                try:
                    listener = stdout_listener(command)
                except OSError as error:
                    report({"id": command["id"], "code": 1, "error": "the fork server cannot listen on out.sock for its stdout: %s" % error})
                    continue
                pid = os.fork()
                if pid == 0:
                    selector.close()
                    for fd in (wake_r, wake_w, PROTOCOL):
                        os.close(fd)
                    for _, other in children.values():
                        other.close()
                    run_child(entry, command, server_pid, listener)
                children[pid] = (command["id"], listener)
                report({"id": command["id"], "pid": pid})
        while children:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            child = children.pop(pid, None)
            if child is None:
                continue
            ident, listener = child
            release(listener)
            if os.WIFSIGNALED(status):
                report({"id": ident, "signal": signal.Signals(os.WTERMSIG(status)).name})
            else:
                report({"id": ident, "code": os.waitstatus_to_exitcode(status)})
    return 0

sys.exit(main())
`;
