# SPDX-License-Identifier: MIT
"""The machines behind the EC2 emulator, for the aws tests (see ec2-emulator).

  ec2-machines.py keep DIR      every running instance the emulator reports gets a machine: its public
                                address on lo, an sshd on ADDRESS:22 with a host key of its own that lets
                                in the instance's key pair, and, on its first boot, its user data run as a
                                booting machine runs it (below). An instance that stops or is terminated
                                loses its machine (sshd and every process its sessions started, the
                                detached runner too); started again, it is the same machine (host key,
                                files) at its new address. Until the test (its parent) ends. Machines that come
                                up together boot side by side, as EC2's do (a thread each). A machine boots
                                (its sshd starts) the number of seconds in DIR/boot-seconds (0 when there is none)
                                after the API first reports it running, as a real one takes a while; its user
                                data runs after its sshd answers, as cloud-init's does, DIR/bootstrap-seconds
                                later. With DIR/no-package-mirror, the user data finds no Docker and apt-get
                                cannot reach its mirror.
  ec2-machines.py describe REGION   what the EC2 API reports, as JSON: instances (with user data, root
                                volume, shutdown behaviour), volumes, security groups, key pairs.
  ec2-machines.py image REGION  an image the emulator knows (it has none of Debian's).
  ec2-machines.py stop|terminate|start REGION INSTANCE_ID   what a test does to an instance, through the API.

Runs with moto_server's own Python (it has boto3). Talks to the emulator at AWS_ENDPOINT_URL only.

The user data runs as root in a private mount namespace where /usr/local/sbin, /etc/cron.d and /var/lib are
the machine's own folders (and /run/logistician, emptied at each boot as /run is), with stand-ins first on PATH
for what would change this computer or needs the internet: apt-get/dnf/yum (Docker and rsync are here
already), systemctl/service, usermod, and shutdown, which asks the keeper to stop the instance (or terminate
it, as its instance_initiated_shutdown_behavior says). A root ssh session sees the same folders.
getent passwd gives the test's own home (the file DIR/home, written by the test) as the login user's. The
machine's cron lines (/etc/cron.d) run in the same namespace every LOGISTICIAN_EC2_CRON_SECONDS (60, as cron).
The machines share this computer's Docker engine, but each sees (docker ps, in its user data, cron and ssh
sessions) only the containers of its instance's experiment (its tag), as a real machine's own engine has
only what it ran: a container of another test on the engine keeps no machine from its idle stop.
"""

import base64
import concurrent.futures
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import boto3

REGIONS = os.environ.get("LOGISTICIAN_EC2_REGIONS", "eu-central-1 us-east-1").split()


def client(region):
    return boto3.client("ec2", region_name=region)


def log(*args):
    print(time.strftime("%H:%M:%S"), *args, flush=True)


SHIMS = {
    # Docker and rsync are installed here; nothing is fetched.
    "apt-get": 'echo "ec2-machines: apt-get $* (skipped)" >&2\n',
    "dnf": 'echo "ec2-machines: dnf $* (skipped)" >&2\n',
    "yum": 'echo "ec2-machines: yum $* (skipped)" >&2\n',
    "systemctl": 'echo "ec2-machines: systemctl $* (skipped)" >&2\n',
    "service": 'echo "ec2-machines: service $* (skipped)" >&2\n',
    "usermod": 'echo "ec2-machines: usermod $* (skipped)" >&2\n',
    "cron": "exit 0\n",
    "shutdown": 'echo "$*" > "$LOGISTICIAN_MACHINE_DIR/shutdown"\n',
    # This machine's engine: only the containers of its experiment (LOGISTICIAN_MACHINE_EXPERIMENT).
    "docker": (
        'if [ "${1:-}" = ps ] && [ -n "${LOGISTICIAN_MACHINE_EXPERIMENT:-}" ]; then\n'
        '    shift\n'
        '    exec "$LOGISTICIAN_REAL_DOCKER" ps --filter "label=logistician.experiment=$LOGISTICIAN_MACHINE_EXPERIMENT" "$@"\n'
        'fi\n'
        'exec "$LOGISTICIAN_REAL_DOCKER" "$@"\n'
    ),
    "getent": (
        'if [ "$1" = passwd ] && [ -n "${2:-}" ] && id "$2" >/dev/null 2>&1; then\n'
        '    echo "$2:x:$(id -u "$2"):$(id -g "$2")::$LOGISTICIAN_MACHINE_HOME:/bin/sh"\n'
        "else\n"
        '    exec /usr/bin/getent "$@"\n'
        "fi\n"
    ),
}


# An ssh session on a machine (sshd's ForceCommand): the command it was asked to run (a login shell when none;
# the sftp server for sftp), with the machine's own folders over the computer's as root, where mounts can be made.
SESSION = """#!/bin/sh
command=${SSH_ORIGINAL_COMMAND:-exec sh -l}
[ "$command" != internal-sftp ] || command="exec /usr/lib/openssh/sftp-server"
if [ "$(id -u)" = 0 ]; then
    exec unshare --mount sh -c '%s && exec sh -c "$1"' session "$command"
fi
exec sh -c "$command"
"""


class Keeper:
    def __init__(self, top):
        self.top = top
        self.parent = os.getppid()
        self.machines = {}  # instance id -> {"ip", "pid", "dir", "region"}
        self.first_seen = {}  # instance id -> when the API first reported it running
        self.cron_every = float(os.environ.get("LOGISTICIAN_EC2_CRON_SECONDS", "60"))
        self.last_cron = time.time()
        self.shims = write_shims(os.path.join(top, "shims"), SHIMS)
        # The same without Docker, and an apt-get that cannot reach its mirror (as with no route out).
        offline = {name: body for name, body in SHIMS.items() if name != "docker"}
        offline["apt-get"] = ('echo "E: Failed to fetch http://archive.ubuntu.com/ubuntu/dists/jammy/InRelease  '
                              'Temporary failure resolving \'archive.ubuntu.com\'" >&2\nexit 100\n')
        self.offline_shims = write_shims(os.path.join(top, "shims-offline"), offline)
        os.makedirs("/run/sshd", exist_ok=True)
        # What a machine's own sessions have of AWS: the AWS CLI (its user data installs it on AWS; here moto's
        # Python has one), S3 at the emulator's address, and the instance metadata service (IMDS) of the
        # emulator, which gives every instance the same stand-in credentials (moto's; it cannot tell whether an
        # instance profile is attached, nor does it enforce the role's policy). No keys are set.
        self.machine_bin = os.path.join(top, "machine-bin")
        os.makedirs(self.machine_bin, exist_ok=True)
        docker = os.path.join(self.machine_bin, "docker")
        if not os.path.exists(docker):
            os.symlink(os.path.join(self.shims, "docker"), docker)
        self.docker = shutil.which("docker") or "/usr/bin/docker"
        aws = shutil.which("aws", path=os.path.dirname(sys.executable))
        if aws and not os.path.exists(os.path.join(self.machine_bin, "aws")):
            os.symlink(aws, os.path.join(self.machine_bin, "aws"))
        endpoint = os.environ.get("AWS_ENDPOINT_URL", "")
        self.machine_env = ('SetEnv HOME="%%s" PATH="%s:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"'
                            ' LOGISTICIAN_REAL_DOCKER="%s" LOGISTICIAN_MACHINE_EXPERIMENT="%%s"'
                            % (self.machine_bin, self.docker))
        if endpoint:
            self.machine_env += ' AWS_ENDPOINT_URL="%s" AWS_EC2_METADATA_SERVICE_ENDPOINT="%s/"' % (endpoint, endpoint)

    def home(self):
        try:
            with open(os.path.join(self.top, "home")) as f:
                return f.read().strip()
        except OSError:
            return os.environ.get("HOME", "/root")

    def boot_seconds(self, name="boot-seconds"):
        try:
            with open(os.path.join(self.top, name)) as f:
                return float(f.read().strip() or 0)
        except (OSError, ValueError):
            return 0.0

    def experiment(self, d):
        try:
            with open(os.path.join(d, "experiment")) as f:
                return f.read().strip()
        except OSError:
            return ""

    def machine_dir(self, instance_id):
        return os.path.join(self.top, "m", instance_id)

    # The machine's own folders over the computer's (in its user data, cron lines and ssh sessions alike).
    @staticmethod
    def binds(d):
        root = os.path.join(d, "root")
        binds = []
        for inside in ("/usr/local/sbin", "/etc/cron.d", "/var/lib"):
            own = root + inside
            os.makedirs(own, exist_ok=True)
            binds.append('mount --bind "%s" "%s"' % (own, inside))
        # /run is emptied at each boot (start()); only the machine's /run/logistician, so the engine's socket stays.
        os.makedirs("/run/logistician", exist_ok=True)
        binds.append('mount --bind "%s" /run/logistician' % os.path.join(d, "boot-run"))
        return " && ".join(binds)

    # The machine's own folders, and the stand-ins first on PATH (an image without Docker whose package
    # mirror cannot be reached, when DIR/no-package-mirror is there).
    def sandboxed(self, d, command):
        script = self.binds(d)
        shims = self.shims
        if os.path.exists(os.path.join(self.top, "no-package-mirror")):
            shims = self.offline_shims
            for folder in ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"):
                if os.path.exists(folder + "/docker"):
                    script += ' && mount --bind /dev/null "%s/docker"' % folder
        script += ' && exec "$@"'
        env = dict(os.environ)
        env.update({"PATH": shims + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                    "LOGISTICIAN_MACHINE_DIR": d, "LOGISTICIAN_MACHINE_HOME": self.home(),
                    "HOME": self.home(), "LOGISTICIAN_REAL_DOCKER": self.docker,
                    "LOGISTICIAN_MACHINE_EXPERIMENT": self.experiment(d)})
        return ["unshare", "--mount", "sh", "-c", script, "sandbox"] + command, env

    def user_data(self, region, iid):
        data = client(region).describe_instance_attribute(InstanceId=iid, Attribute="userData")
        value = data.get("UserData", {}).get("Value")
        return base64.b64decode(value) if value else b""

    def boot(self, iid, d, user_data):
        if not user_data:
            return
        path = os.path.join(d, "user-data")
        with open(path, "wb") as f:
            f.write(user_data)
        os.chmod(path, 0o755)
        argv, env = self.sandboxed(d, [path])
        with open(os.path.join(d, "user-data.log"), "w") as out:
            code = subprocess.call(argv, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=120)
        with open(os.path.join(d, "user-data.exit"), "w") as f:
            f.write("%d\n" % code)
        log("user data of", iid, "exit", code)

    def authorized_key(self, region, instance):
        name = instance.get("KeyName")
        if not name:
            return ""
        pairs = client(region).describe_key_pairs(KeyNames=[name], IncludePublicKey=True)["KeyPairs"]
        return pairs[0].get("PublicKey", "") if pairs else ""

    # What the API says of a machine about to start (asked here, in the keeper's own thread: a boto3 client is
    # made from one session, which threads must not share).
    def prepare(self, region, instance):
        iid = instance["InstanceId"]
        first = not os.path.isdir(self.machine_dir(iid))
        return {"region": region, "iid": iid, "ip": instance["PublicIpAddress"], "first": first,
                "tags": instance.get("Tags", []),
                "key": self.authorized_key(region, instance) if first else "",
                "user_data": self.user_data(region, iid) if first else b""}

    # Machines boot side by side, as EC2's do: each one's user data and sshd in a thread of its own.
    def start_all(self, prepared):
        if not prepared:
            return
        if len(prepared) == 1:
            self.machines[prepared[0]["iid"]] = self.start(prepared[0])
            return
        with concurrent.futures.ThreadPoolExecutor(max_workers=min(len(prepared), 32)) as pool:
            for p, machine in zip(prepared, pool.map(self.start, prepared)):
                self.machines[p["iid"]] = machine

    def start(self, p):
        iid, ip = p["iid"], p["ip"]
        d = self.machine_dir(iid)
        os.makedirs(d, exist_ok=True)
        if p["first"]:
            subprocess.check_call(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", d + "/host_key"])
            with open(d + "/authorized_keys", "w") as f:
                f.write(p["key"] + "\n")
            os.chmod(d + "/authorized_keys", 0o600)
        subprocess.call(["ip", "addr", "add", ip + "/32", "dev", "lo"], stderr=subprocess.DEVNULL)
        experiment = {t["Key"]: t["Value"] for t in p["tags"]}.get("experiment", "")
        if not re.fullmatch(r"[A-Za-z0-9._-]+", experiment):
            experiment = ""
        with open(d + "/experiment", "w") as f:
            f.write(experiment)
        with open(d + "/sshd_config", "w") as f:
            f.write("ListenAddress %s:22\nHostKey %s/host_key\nAuthorizedKeysFile %s/authorized_keys\n"
                    "PidFile %s/sshd.pid\nPermitRootLogin prohibit-password\nPasswordAuthentication no\n"
                    "KbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\nMaxSessions 200\n"
                    "MaxStartups 200:30:400\nLogLevel ERROR\nSubsystem sftp internal-sftp\nForceCommand %s/session\n"
                    % (ip, d, d, d, d))
            f.write((self.machine_env % (self.home(), experiment)) + "\n")
        with open(d + "/session", "w") as f:
            f.write(SESSION % self.binds(d))
        os.chmod(d + "/session", 0o755)
        shutil.rmtree(os.path.join(d, "boot-run"), ignore_errors=True)
        os.makedirs(os.path.join(d, "boot-run"))
        try:
            os.unlink(d + "/sshd.pid")
        except OSError:
            pass
        subprocess.call(["/usr/sbin/sshd", "-f", d + "/sshd_config", "-E", d + "/sshd.log"])
        pid = 0
        for _ in range(100):
            try:
                with open(d + "/sshd.pid") as f:
                    pid = int(f.read().strip() or 0)
            except (OSError, ValueError):
                pid = 0
            if pid:
                break
            time.sleep(0.05)
        log("machine up:", iid, ip, "pid", pid)
        # As cloud-init on a real one: sshd answers first, then the user data runs (DIR/bootstrap-seconds later).
        if p["first"]:
            time.sleep(self.boot_seconds("bootstrap-seconds"))
            self.boot(iid, d, p["user_data"])
        return {"ip": ip, "pid": pid, "dir": d, "region": p["region"]}

    def stop(self, iid):
        m = self.machines.pop(iid, None)
        if not m:
            return
        # Powered off: all its processes at once. Each is frozen first, and the machine scanned again until no
        # new one shows up, so none sees another die and starts something (a runner whose docker wait was
        # killed first would start the next attempt and upload the lost one); then all are killed.
        frozen = set()
        for _ in range(50):
            victims = set(descendants(m["pid"])) | {m["pid"]} if m["pid"] else set()
            victims = (victims | sessions_of(m["ip"])) - frozen
            if not victims:
                break
            signal_all(victims, signal.SIGSTOP)
            frozen |= victims
        signal_all(frozen, signal.SIGKILL)
        subprocess.call(["ip", "addr", "del", m["ip"] + "/32", "dev", "lo"], stderr=subprocess.DEVNULL)
        log("machine down:", iid, m["ip"])

    def shutdowns(self):
        for iid, m in list(self.machines.items()):
            request = os.path.join(m["dir"], "shutdown")
            if not os.path.exists(request):
                continue
            os.unlink(request)
            ec2 = client(m["region"])
            behaviour = ec2.describe_instance_attribute(InstanceId=iid, Attribute="instanceInitiatedShutdownBehavior")
            if behaviour.get("InstanceInitiatedShutdownBehavior", {}).get("Value") == "terminate":
                ec2.terminate_instances(InstanceIds=[iid])
            else:
                ec2.stop_instances(InstanceIds=[iid])
            log("shut itself down:", iid)

    def cron(self):
        for iid, m in list(self.machines.items()):
            folder = os.path.join(m["dir"], "root/etc/cron.d")
            for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
                with open(os.path.join(folder, name)) as f:
                    for line in f:
                        fields = line.split(None, 6)
                        if len(fields) < 7 or line.startswith("#"):
                            continue
                        argv, env = self.sandboxed(m["dir"], ["sh", "-c", fields[6].strip()])
                        subprocess.call(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        timeout=60)

    def round(self):
        seen = set()
        starting = []
        for region in REGIONS:
            for reservation in client(region).describe_instances()["Reservations"]:
                for instance in reservation["Instances"]:
                    iid = instance["InstanceId"]
                    running = instance["State"]["Name"] == "running" and instance.get("PublicIpAddress")
                    m = self.machines.get(iid)
                    if running:
                        seen.add(iid)
                        if m and (m["ip"] != instance["PublicIpAddress"] or not alive(m["pid"])):
                            self.stop(iid)
                            m = None
                        if not m and time.time() - self.first_seen.setdefault(iid, time.time()) >= self.boot_seconds():
                            starting.append(self.prepare(region, instance))
        self.start_all(starting)
        for iid in list(self.machines):
            if iid not in seen:
                self.stop(iid)
        self.shutdowns()
        if time.time() - self.last_cron >= self.cron_every:
            self.last_cron = time.time()
            self.cron()

    def keep(self):
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            while os.getppid() == self.parent:
                try:
                    self.round()
                except Exception as e:  # the emulator busy or restarting: next round
                    log("round failed:", repr(e))
                time.sleep(0.5)
        finally:
            for iid in list(self.machines):
                self.stop(iid)


# Each stand-in as an executable script in folder; the folder.
def write_shims(folder, bodies):
    os.makedirs(folder, exist_ok=True)
    for name, body in bodies.items():
        path = os.path.join(folder, name)
        with open(path, "w") as f:
            f.write("#!/bin/sh\n" + body)
        os.chmod(path, 0o755)
    return folder


def signal_all(pids, number):
    for p in pids:
        try:
            os.kill(p, number)
        except OSError:
            pass


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


def descendants(pid):
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                text = f.read()
        except OSError:
            continue
        fields = text[text.rfind(")") + 2:].split()
        children.setdefault(int(fields[1]), []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


# The processes of ssh sessions to ADDRESS:22, also those that left sshd's tree (setsid): SSH_CONNECTION names it.
# Only in this emulator's network namespace: another aws test's emulator may have handed out the same address.
def sessions_of(ip):
    out = set()
    suffix = (" %s 22" % ip).encode()
    own = os.readlink("/proc/self/ns/net")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if os.readlink("/proc/%s/ns/net" % entry) != own:
                continue
            with open("/proc/%s/environ" % entry, "rb") as f:
                variables = f.read().split(b"\0")
        except OSError:
            continue
        for v in variables:
            if v.startswith(b"SSH_CONNECTION=") and v.endswith(suffix):
                out.add(int(entry))
    return out


def describe(region):
    ec2 = client(region)
    instances = []
    for reservation in ec2.describe_instances()["Reservations"]:
        for i in reservation["Instances"]:
            iid = i["InstanceId"]
            data = ec2.describe_instance_attribute(InstanceId=iid, Attribute="userData").get("UserData", {})
            behaviour = ec2.describe_instance_attribute(InstanceId=iid, Attribute="instanceInitiatedShutdownBehavior")
            instances.append({
                "id": iid,
                "state": i["State"]["Name"],
                "state_reason": i.get("StateReason", {}).get("Code", ""),
                "type": i.get("InstanceType"),
                "image": i.get("ImageId"),
                "public_ip": i.get("PublicIpAddress", ""),
                "key_name": i.get("KeyName", ""),
                "tags": {t["Key"]: t["Value"] for t in i.get("Tags", [])},
                "security_groups": sorted({g["GroupId"] for g in i.get("SecurityGroups", [])}
                                          | {g["GroupId"] for n in i.get("NetworkInterfaces", [])
                                             for g in n.get("Groups", [])}),
                "metadata_options": i.get("MetadataOptions", {}),
                "iam_instance_profile": i.get("IamInstanceProfile", {}).get("Arn", ""),
                "market": i.get("InstanceLifecycle", "on-demand"),
                "block_devices": [{"device": b["DeviceName"], "volume": b["Ebs"]["VolumeId"],
                                   "delete_on_termination": b["Ebs"].get("DeleteOnTermination")}
                                  for b in i.get("BlockDeviceMappings", []) if "Ebs" in b],
                "root_device": i.get("RootDeviceName"),
                "user_data": base64.b64decode(data["Value"]).decode("utf-8", "replace") if data.get("Value") else "",
                "shutdown_behavior": behaviour.get("InstanceInitiatedShutdownBehavior", {}).get("Value", ""),
            })
    volumes = [{"id": v["VolumeId"], "size": v["Size"], "type": v.get("VolumeType"), "encrypted": v.get("Encrypted"),
                "state": v["State"], "attached_to": [a["InstanceId"] for a in v.get("Attachments", [])]}
               for v in ec2.describe_volumes()["Volumes"]]
    groups = [{"id": g["GroupId"], "name": g["GroupName"], "description": g.get("Description", ""),
               "ingress": g.get("IpPermissions", []), "tags": {t["Key"]: t["Value"] for t in g.get("Tags", [])}}
              for g in ec2.describe_security_groups()["SecurityGroups"] if g["GroupName"] != "default"]
    keys = [{"name": k["KeyName"], "public_key": k.get("PublicKey", "")}
            for k in ec2.describe_key_pairs(IncludePublicKey=True)["KeyPairs"]]
    print(json.dumps({"instances": instances, "volumes": volumes, "security_groups": groups, "key_pairs": keys},
                     default=str))


def main(argv):
    if len(argv) >= 2 and argv[0] == "keep":
        Keeper(argv[1]).keep()
    elif len(argv) == 2 and argv[0] == "describe":
        describe(argv[1])
    elif len(argv) == 2 and argv[0] == "image":
        # The same image every time: the first of Amazon's by id.
        print(sorted(i["ImageId"] for i in client(argv[1]).describe_images(Owners=["amazon"])["Images"])[0])
    elif len(argv) == 3 and argv[0] in ("stop", "terminate", "start"):
        ec2 = client(argv[1])
        getattr(ec2, argv[0] + "_instances")(InstanceIds=[argv[2]])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
