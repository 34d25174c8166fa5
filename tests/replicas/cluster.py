"""Real `sitebot serve` replicas on one PostgreSQL behind Debian's nginx (deploy/nginx.conf,
its ports rewritten), for tests/replicas/test_nginx_replicas.py and bench/replicas.py.

Each replica is its own process group, so `kill()` is kill -9 of that replica alone; each
writes its log to a file, read to tell which replica holds the delivery lease."""
from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp

from tests.replicas.shared import free_port

ROOT = Path(__file__).resolve().parents[2]
NGINX_EXAMPLE = ROOT / "deploy" / "nginx.conf"
HOLDS_DELIVERY = "delivery: this replica holds the connection"


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)


def sitebot(*args: str, env: dict[str, str], timeout: float = 180) -> str:
    """`sitebot ARGS` as a person types it; its output, or an error with it."""
    done = subprocess.run([sys.executable, "-m", "bot.cli", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"sitebot {' '.join(args)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return done.stdout.strip()


def base_env(env: dict[str, str]) -> dict[str, str]:
    """This environment without any SITEBOT_* of the caller's, plus `env`."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith("SITEBOT_")}
    return {**kept, "PYTHONUNBUFFERED": "1", **env}


class Replica:
    def __init__(self, index: int, workdir: Path, env: dict[str, str]) -> None:
        self.index, self.port = index, free_port()
        self.log = workdir / f"replica{index}.log"
        self.env = {**env, "SITEBOT_HOST": "127.0.0.1", "SITEBOT_PORT": str(self.port)}
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve"], env=self.env, cwd=ROOT,
                                         stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    async def ready(self, timeout: float = 120) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        async with aiohttp.ClientSession() as http:
            while True:
                if self.proc is not None and self.proc.poll() is not None:
                    raise RuntimeError(f"replica {self.index} exited:\n{self.log.read_text()[-3000:]}")
                with contextlib.suppress(aiohttp.ClientError, OSError):
                    async with http.get(f"{self.url}/healthz") as answer:
                        if answer.status == 200:
                            return
                if asyncio.get_running_loop().time() > deadline:
                    raise RuntimeError(f"replica {self.index} not ready:\n{self.log.read_text()[-3000:]}")
                await asyncio.sleep(0.2)

    def holds_delivery(self) -> bool:
        """Its log says it took the delivery lease (a replica that lost it is killed, here)."""
        return self.alive() and HOLDS_DELIVERY in self.log.read_text(errors="replace")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """kill -9, as a crash or the OOM killer would."""
        if self.alive():
            os.killpg(self.proc.pid, signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait(10)

    def stop(self) -> None:
        if self.alive():
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


class Nginx:
    """deploy/nginx.conf's upstream and server, ports rewritten, in a main config of its own
    (its pid, logs and temp files under `workdir`). Answers carry X-Sitebot-Upstream, the
    replica that answered."""

    def __init__(self, workdir: Path, replicas: list[Replica]) -> None:
        self.workdir, self.port = workdir / "nginx", free_port()
        self.replicas = replicas
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def config(self) -> str:
        site = NGINX_EXAMPLE.read_text()
        servers = "".join(f"    server 127.0.0.1:{r.port} max_fails=1 fail_timeout=5s;\n" for r in self.replicas)
        site = re.sub(r"(    server 127\.0\.0\.1:\d+ [^\n]*\n)+", lambda _: servers, site)
        site = site.replace("    listen 80;", f"    listen 127.0.0.1:{self.port};")
        site = site.replace("        proxy_pass http://sitebot;\n", "        proxy_pass http://sitebot;\n"
                            "        add_header X-Sitebot-Upstream $upstream_addr always;\n")
        temp = "".join(f"    {kind}_temp_path {self.workdir}/{kind};\n"
                       for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        user = "user root;\n" if os.geteuid() == 0 else ""   # the temp dirs are ours
        return (f"{user}worker_processes 1;\npid {self.workdir}/nginx.pid;\n"
                f"error_log {self.workdir}/error.log warn;\nevents {{ worker_connections 1024; }}\n"
                f"http {{\n    access_log {self.workdir}/access.log;\n{temp}{site}\n}}\n")

    async def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        conf = self.workdir / "nginx.conf"
        conf.write_text(self.config())
        binary = nginx_binary()
        # -e: the log for errors before the config is read (else the packaged path, root's only)
        where = ["-p", str(self.workdir), "-e", str(self.workdir / "error.log"), "-c", str(conf)]
        subprocess.run([binary, "-t", "-q", *where], check=True, capture_output=True, timeout=30)
        self.proc = subprocess.Popen([binary, *where, "-g", "daemon off;"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = asyncio.get_running_loop().time() + 30
        async with aiohttp.ClientSession() as http:
            while True:
                with contextlib.suppress(aiohttp.ClientError, OSError):
                    async with http.get(f"{self.url}/healthz") as answer:
                        if answer.status == 200:
                            return
                assert asyncio.get_running_loop().time() < deadline, "nginx did not answer"
                await asyncio.sleep(0.1)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@contextlib.asynccontextmanager
async def replicas_behind_nginx(workdir: Path, env: dict[str, str], count: int = 3):  # noqa: ANN201
    """`count` `sitebot serve` with `env` (SITEBOT_* settings), nginx in front; all stopped at the end."""
    replicas = [Replica(i, workdir, env) for i in range(count)]
    nginx = Nginx(workdir, replicas)
    try:
        for replica in replicas:
            replica.start()
        await asyncio.gather(*(replica.ready() for replica in replicas))
        await nginx.start()
        yield replicas, nginx
    finally:
        nginx.stop()
        for replica in replicas:
            replica.stop()
