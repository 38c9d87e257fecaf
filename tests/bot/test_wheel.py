"""Black-box: a wheel built from the repository, installed in a fresh virtualenv away from the
checkout, migrates a fresh database, runs, and satisfies `flock doctor`."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import venv
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from storage import migrations
from storage.models import Base
from storage.search_index import is_index_table
from tests.support.bot_api_server import FakeTelegram
from tests.support.flock_process import FlockProcess, wait

pytestmark = pytest.mark.process

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("pyproject.toml", "README.md", "alembic", "bot", "facilitation", "storage")
PACKAGES = ("bot", "facilitation", "storage")


@dataclass(frozen=True)
class Install:
    wheel: Path
    bin: Path
    site_packages: Path
    elsewhere: Path  # a working directory from which the checkout isn't importable


def _run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"{command} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def install(tmp_path_factory: pytest.TempPathFactory) -> Install:
    work = tmp_path_factory.mktemp("wheel")
    # A copy of the sources: an in-tree build would leave build/ behind in the checkout, and the
    # copy shows that these files are all a build needs.
    source = work / "source"
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(ROOT / name, source / name)
    # No build isolation: the build uses the dev environment's setuptools and needs no network.
    pip = (sys.executable, "-m", "pip", "--disable-pip-version-check")
    _run(*pip, "wheel", "--no-deps", "--no-build-isolation", "--wheel-dir", work / "dist", source, cwd=work)
    (wheel,) = (work / "dist").glob("flock-*.whl")

    # A fresh virtualenv borrowing this one's packages (and pip) through a .pth line. The checkout's
    # editable install is itself a .pth, which Python reads in a site directory but not on a
    # borrowed path: the checkout stays out (test_the_installed_code_is_the_wheel_not_the_checkout).
    environment = work / "venv"
    venv.create(environment, with_pip=False)
    site_packages = Path(
        _run(
            environment / "bin" / "python",
            "-c",
            "import sysconfig; print(sysconfig.get_path('purelib'))",
            cwd=work,
        ).strip()
    )
    (site_packages / "dev-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    installer = (environment / "bin" / "python", "-m", "pip", "--disable-pip-version-check")
    _run(*installer, "install", "--no-deps", "--no-index", "--ignore-installed", wheel, cwd=work)
    elsewhere = work / "elsewhere"
    elsewhere.mkdir()
    return Install(wheel, environment / "bin", site_packages, elsewhere)


def _env(database: Path, **extra: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith(("PYTHON", "FLOCK_"))}
    # PYTHONPATH empty counts as unset, also where FlockProcess adds this environment back.
    return {**env, "PYTHONPATH": "", "FLOCK_DATABASE_URL": f"sqlite+aiosqlite:///{database}", **extra}


def test_the_wheel_holds_every_module_and_every_migration(install: Install) -> None:
    checkout = {
        path.relative_to(ROOT).as_posix()
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "__pycache__" not in path.parts
    }
    scripts = {
        "storage/alembic_scripts/" + path.relative_to(ROOT / "alembic").as_posix()
        for path in (ROOT / "alembic").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    catalogues = {  # each language's .po, and its .mo where the Makefile built one
        path.relative_to(ROOT).as_posix()
        for pattern in ("flock.po", "flock.mo")
        for path in (ROOT / "bot" / "locale").glob(f"*/LC_MESSAGES/{pattern}")
    }
    web = {  # the dashboard's templates, script and style
        path.relative_to(ROOT).as_posix()
        for folder in ("templates", "static")
        for path in (ROOT / "bot" / "web" / folder).iterdir()
        if path.is_file()
    }
    with zipfile.ZipFile(install.wheel) as wheel:
        carried = {name for name in wheel.namelist() if name.split("/")[0] in PACKAGES}

    assert "bot/locale/fr/LC_MESSAGES/flock.po" in catalogues
    assert {"bot/web/templates/today.html", "bot/web/static/dashboard.js"} <= web
    assert carried == checkout | scripts | catalogues | web
    assert not any(name.startswith("alembic/") for name in carried)  # would shadow the library


def test_the_installed_code_is_the_wheel_not_the_checkout(install: Install) -> None:
    where = _run(
        install.bin / "python",
        "-c",
        "import bot, storage.migrations as m; print(bot.__file__); print(m.SCRIPTS)",
        cwd=install.elsewhere,
        env=_env(install.elsewhere / "unused.db"),
    ).split()

    assert [Path(path).is_relative_to(install.site_packages) for path in where] == [True, True]


def test_flock_db_upgrade_from_the_wheel_migrates_a_fresh_database(install: Install) -> None:
    database = install.elsewhere / "upgrade.db"

    output = _run(install.bin / "flock", "db", "upgrade", cwd=install.elsewhere, env=_env(database))

    assert output.strip() == "database is up to date"
    with sqlite3.connect(database) as connection:
        tables = {row[0] for row in connection.execute("select name from sqlite_master where type = 'table'")}
        (revision,) = connection.execute("select version_num from alembic_version").fetchall()
    assert {t for t in tables if not is_index_table(t)} == {*Base.metadata.tables, "alembic_version"}
    assert {"question_search", "introduction_search"} <= tables
    assert revision == (migrations.head(),)


def test_flock_run_from_the_wheel_migrates_at_start_and_doctor_agrees(
    install: Install, telegram: tuple[FakeTelegram, str], tmp_path: Path
) -> None:
    fake, api_url = telegram
    database = install.elsewhere / "run.db"
    env = _env(database, FLOCK_BOT_TOKEN="42:wheel-test", FLOCK_TELEGRAM_API_URL=api_url)
    process = FlockProcess(
        api_url,
        env["FLOCK_DATABASE_URL"],
        tmp_path / "flock.log",
        command=(str(install.bin / "flock"),),
        cwd=install.elsewhere,
        env=env,
    )
    try:
        process.start()
        wait(lambda: any(c.method == "getUpdates" for c in fake.answers.calls), seconds=60, what="polling")
        exit_code = process.stop()
    finally:
        process.ensure_stopped()
    doctor = subprocess.run(
        [install.bin / "flock", "doctor"], cwd=install.elsewhere, env=env, capture_output=True, text=True
    )

    assert f"✓ database schema is up to date ({migrations.head()})" in doctor.stdout, doctor.stdout
    assert exit_code == 0, process.tail()
