# Runs first inside the sandbox, as the namespace's init process: it makes the file system read-only except
# for the work folder (when it has its own mount namespace), then forks the program under test with resource
# limits and waits for it. When this process exits the kernel kills everything left in the PID namespace.
import ctypes
import json
import os
import resource
import sys
import traceback

MARK = "\x1esandbox "


def emit(status):
    sys.stderr.write(MARK + json.dumps(status) + "\n")
    sys.stderr.flush()


def read_only_except(work):
    """Bind the work folder onto itself, make every mount read-only, then the work folder writable again."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)

        class MountAttr(ctypes.Structure):
            _fields_ = [("attr_set", ctypes.c_uint64), ("attr_clr", ctypes.c_uint64),
                        ("propagation", ctypes.c_uint64), ("userns_fd", ctypes.c_uint64)]

        ms_bind, ms_rec, ms_private = 4096, 16384, 1 << 18
        at_fdcwd, at_recursive, attr_rdonly, sys_mount_setattr = -100, 0x8000, 0x1, 442
        path = work.encode()
        if libc.mount(b"none", b"/", None, ms_rec | ms_private, None) != 0:
            return False
        if libc.mount(path, path, None, ms_bind | ms_rec, None) != 0:
            return False
        ro = MountAttr(attr_rdonly, 0, 0, 0)
        if libc.syscall(sys_mount_setattr, at_fdcwd, b"/", at_recursive, ctypes.byref(ro), ctypes.sizeof(ro)) != 0:
            return False
        rw = MountAttr(0, attr_rdonly, 0, 0)
        if libc.syscall(sys_mount_setattr, at_fdcwd, path, at_recursive, ctypes.byref(rw), ctypes.sizeof(rw)) != 0:
            return False
        return True
    except Exception:
        return False


def set_limits(cfg):
    cpu = int(cfg["cpu"])
    wanted = [
        (resource.RLIMIT_AS, int(cfg["memory"]), int(cfg["memory"])),
        (resource.RLIMIT_CPU, cpu, cpu + 1),
        (resource.RLIMIT_NPROC, int(cfg["nproc"]), int(cfg["nproc"])),
        (resource.RLIMIT_FSIZE, int(cfg["fsize"]), int(cfg["fsize"])),
        (resource.RLIMIT_CORE, 0, 0),
        (resource.RLIMIT_NOFILE, 256, 256),
    ]
    for kind, soft, hard in wanted:
        _, old_hard = resource.getrlimit(kind)
        if old_hard != resource.RLIM_INFINITY:
            soft, hard = min(soft, old_hard), min(hard, old_hard)
        resource.setrlimit(kind, (soft, hard))


def run_child(cfg):
    set_limits(cfg)
    # Single-threaded numerical libraries: each thread reserves address space and counts as a process.
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"
    solution = cfg.get("solution")
    if solution:
        try:
            with open(solution, encoding="utf-8") as f:
                compile(f.read(), "solution.py", "exec")
        except (SyntaxError, ValueError):
            sys.stderr.write(MARK + json.dumps({"syntax_error": True}) + "\n")
            traceback.print_exc(limit=0)
            sys.stderr.flush()
            os._exit(97)
    os.execv(sys.executable, [sys.executable, "-B", "-E", "-s", cfg["program"]])


def join_cgroup(procs):
    """Move this process (and so all it starts) into the run's pids cgroup; root ignores RLIMIT_NPROC."""
    try:
        with open(procs, "w") as f:
            f.write("0")
        return True
    except OSError:
        return False


def main():
    cfg = json.loads(sys.argv[1])
    work = os.getcwd()
    # The cgroup first: after the next step /sys is read-only.
    status = {"cgroup": join_cgroup(cfg["cgroup_procs"]) if cfg.get("cgroup_procs") else False}
    status["fs"] = read_only_except(work) if cfg.get("isolate_fs") else False
    # The old working directory still points into the read-only mount; enter the writable bind.
    os.chdir(work)
    emit(status)
    pid = os.fork()
    if pid == 0:
        try:
            run_child(cfg)
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(96)
    _, wait_status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(wait_status):
        os._exit(128 + os.WTERMSIG(wait_status))
    os._exit(os.WEXITSTATUS(wait_status))


main()
