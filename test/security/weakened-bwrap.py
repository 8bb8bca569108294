# Test-only bwrap shim (see weakened-bwrap.ts): rewrites the options bwrap reads from descriptor 3
# to remove one protection, then execs the real bwrap. Calls without `--args 3` (the version check
# and the availability probe) pass through untouched, so the weakened backend is still "available".
import json
import os
import select
import sys

config = json.load(open(sys.argv[0] + ".json"))
REAL, WEAKENING, ESCAPED = config["real"], config["weakening"], config["escaped"]
argv = sys.argv[1:]
if argv[:2] != ["--args", "3"]:
    os.execv(REAL, [REAL] + argv)

chunks = []
while True:
    chunk = os.read(3, 65536)
    if not chunk:
        break
    chunks.append(chunk)
os.close(3)
options = [item.decode() for item in b"".join(chunks).split(b"\0")[:-1]]
inside = argv[3:]  # prlimit --data=… --nproc=… --core=0 -- command…

ARITY = {"--ro-bind": 2, "--bind": 2, "--symlink": 2, "--setenv": 2, "--dir": 1, "--tmpfs": 1,
         "--size": 1, "--perms": 1, "--proc": 1, "--dev": 1, "--remount-ro": 1, "--chdir": 1,
         "--uid": 1, "--gid": 1, "--hostname": 1, "--cap-drop": 1}
groups = []
index = 0
while index < len(options):
    width = 1 + ARITY.get(options[index], 0)
    groups.append(options[index:index + width])
    index += width

ALL_BUT = ["--unshare-user", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]


def replace_unshare_all(keep):
    out = []
    for group in groups:
        out.extend([[name] for name in ALL_BUT + keep] if group == ["--unshare-all"] else [group])
    return out


def host_root():
    out = []
    for group in groups:
        # The host's /tmp too: the worktree, the data dir and the attack's targets live there.
        if group[0] in ("--size", "--perms", "--tmpfs", "--ro-bind", "--bind", "--symlink", "--dir",
                        "--remount-ro", "--proc", "--dev"):
            continue
        # --chdir stays: the worktree is mounted at its own host path, so the path is the same here.
        out.append(group)
    return out + [["--bind", "/", "/"], ["--proc", "/proc"], ["--dev", "/dev"]]


def run_unsandboxed():
    """The command as the platform itself runs, under prlimit, in the worktree, with the sandbox's environment."""
    chdir = next(group[1] for group in groups if group[0] == "--chdir")
    env = {group[1]: group[2] for group in groups if group[0] == "--setenv"}
    # The sandbox's working directory is the worktree's own host path.
    os.chdir(chdir)
    os.execve(inside[0], inside, env)


def cgroup2_mount():
    """Where the v2 hierarchy is mounted (/sys/fs/cgroup, or /sys/fs/cgroup/unified on a hybrid host)."""
    for line in open("/proc/self/mountinfo"):
        fields, _, source = line.partition(" - ")
        if source.startswith("cgroup2 "):
            return fields.split(" ")[4]
    return "/sys/fs/cgroup"


def own_cgroups():
    """(controller, directory, hierarchy root) of this process's pids, memory and v2 cgroups."""
    found = []
    for line in open("/proc/self/cgroup"):
        _, controllers, where = line.strip().split(":", 2)
        for name in ("pids", "memory"):
            if name in controllers.split(","):
                found.append((name, "/sys/fs/cgroup/" + name + where, "/sys/fs/cgroup/" + name))
        if controllers == "":
            root = cgroup2_mount()
            found.append(("unified", root + where, root))
    return found


def scale_cgroup(controller, files, factor):
    for name, directory, _ in own_cgroups():
        for file in files:
            target = os.path.join(directory, file)
            if name in (controller, "unified") and os.path.exists(target):
                value = open(target).read().strip()
                if value != "max":
                    open(target, "w").write(str(int(value) * factor))


def scale_limit(prefix, factor):
    global inside
    inside = [prefix + str(int(item[len(prefix):]) * factor) if item.startswith(prefix) else item
              for item in inside]


def leave_cgroups():
    """Out of the sandbox's cgroups: v1 to the parent (the container's own), v2 to the hierarchy's root."""
    for name, directory, root in own_cgroups():
        if directory.rstrip("/") == root:
            continue
        target = root if name == "unified" else os.path.dirname(directory)
        try:
            open(os.path.join(target, "cgroup.procs"), "w").write(str(os.getpid()))
        except OSError as error:
            sys.stderr.write("weakened bwrap: could not leave %s: %s\n" % (directory, error))


def exec_bwrap():
    fd = os.memfd_create("bwrap-args", 0)
    os.write(fd, b"".join(item.encode() + b"\0" for group in groups for item in group))
    os.lseek(fd, 0, os.SEEK_SET)
    if fd != 3:
        os.dup2(fd, 3)
        os.close(fd)
    os.execv(REAL, [REAL, "--args", "3", "--"] + inside)


def escape_and_relay():
    """Run bwrap in a session and cgroups of its own; relay its output so the caller still sees it."""
    out_read, out_write = os.pipe()
    err_read, err_write = os.pipe()
    child = os.fork()
    if child == 0:
        os.setsid()
        leave_cgroups()
        open(os.path.join(ESCAPED, str(os.getpid())), "w").close()
        os.dup2(out_write, 1)
        os.dup2(err_write, 2)
        for fd in (out_read, out_write, err_read, err_write):
            os.close(fd)
        exec_bwrap()
    os.close(out_write)
    os.close(err_write)
    targets = {out_read: 1, err_read: 2}
    while targets:
        for fd in select.select(list(targets), [], [])[0]:
            data = os.read(fd, 65536)
            if not data:
                del targets[fd]
                continue
            while data:
                data = data[os.write(targets[fd], data):]
    _, status = os.waitpid(child, 0)
    sys.exit(os.waitstatus_to_exitcode(status) % 256)


if WEAKENING == "no-run":
    sys.stderr.write("weakened bwrap: failing before the command\n")
    sys.exit(125)
elif WEAKENING == "network":
    groups = replace_unshare_all(["--unshare-pid"])
elif WEAKENING == "pid":
    groups = replace_unshare_all(["--unshare-net"])
    groups = [["--ro-bind", "/proc", "/proc"] if group == ["--proc", "/proc"] else group for group in groups]
elif WEAKENING == "unsandboxed":
    run_unsandboxed()
elif WEAKENING == "host-root":
    groups = host_root()
elif WEAKENING == "process-cap":
    scale_cgroup("pids", ["pids.max"], 4)
    scale_limit("--nproc=", 4)
elif WEAKENING == "memory-cap":
    scale_cgroup("memory", ["memory.limit_in_bytes", "memory.max"], 4)
    scale_limit("--data=", 4)
elif WEAKENING == "tmpfs-size":
    groups = [group for group in groups if group[0] != "--size"]
elif WEAKENING == "userns":
    groups = [group for group in groups if group != ["--disable-userns"]]
elif WEAKENING in ("no-kill", "escape"):
    groups = [group for group in groups if group != ["--die-with-parent"]]
    if WEAKENING == "escape":
        groups = replace_unshare_all(["--unshare-net"])
        groups = [["--ro-bind", "/proc", "/proc"] if group == ["--proc", "/proc"] else group for group in groups]
    escape_and_relay()
exec_bwrap()
